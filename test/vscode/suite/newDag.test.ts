import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, readJson, uniqueDagName, waitFor, workspaceFolder } from './workspaceHelpers';

interface DagFileShape {
  readonly version?: unknown;
  readonly dag_id?: unknown;
  readonly tasks?: unknown;
}

interface TaskShape {
  readonly task_id?: unknown;
  readonly upstream?: unknown;
}

async function newDag(args: { name: string; folder?: string }): Promise<vscode.Uri> {
  const uri = await vscode.commands.executeCommand<unknown>('dagstream.newDag', args);
  assert.ok(uri instanceof vscode.Uri, `dagstream.newDag resolved to ${String(uri)}, not the Uri of the new file`);
  return uri;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

suite('Dagstream: New DAG', () => {
  teardown(closeAllEditors);

  test('writes <name>.dag.json into the workspace folder with two connected tasks', async () => {
    const name = uniqueDagName('weather');
    const uri = await newDag({ name });
    const expected = vscode.Uri.joinPath(workspaceFolder(), `${name}.dag.json`);
    assert.equal(uri.toString(), expected.toString());

    const dag = (await readJson(uri)) as DagFileShape;
    assert.equal(dag.version, 1);
    assert.equal(typeof dag.dag_id, 'string');
    assert.ok(Array.isArray(dag.tasks), `tasks is not a list: ${JSON.stringify(dag.tasks)}`);
    const tasks = dag.tasks as TaskShape[];
    assert.equal(tasks.length, 2, `expected 2 tasks, got ${tasks.length}`);
    const [first, second] = tasks;
    assert.ok(first && second);
    assert.equal(typeof first.task_id, 'string');
    assert.ok(Array.isArray(second.upstream), `the second task's upstream is not a list: ${JSON.stringify(second)}`);
    assert.ok(
      (second.upstream as unknown[]).includes(first.task_id),
      `the second task's upstream ${JSON.stringify(second.upstream)} does not name the first task ${String(first.task_id)}`,
    );
  });

  test('opens the new file in the DAG custom editor', async () => {
    const uri = await newDag({ name: uniqueDagName('opened') });
    const input = await waitFor('the new DAG to be the active tab', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputCustom && tab.input.uri.toString() === uri.toString() ? tab.input : undefined;
    });
    assert.equal(input.viewType, 'dagstream.dagEditor');
  });

  test('writes into the folder it is given', async () => {
    const folder = vscode.Uri.joinPath(workspaceFolder(), uniqueDagName('sub'));
    await vscode.workspace.fs.createDirectory(folder);
    const name = uniqueDagName('inFolder');
    const uri = await newDag({ name, folder: folder.fsPath });
    assert.equal(uri.toString(), vscode.Uri.joinPath(folder, `${name}.dag.json`).toString());
    assert.ok(await exists(uri));
  });

  test('does not overwrite an existing DAG of the same name', async () => {
    const name = uniqueDagName('kept');
    const uri = await newDag({ name });
    await closeAllEditors();
    // Make the existing file distinguishable from what the command would write.
    const edited = new TextEncoder().encode(`${JSON.stringify({ version: 1, dag_id: 'edited_by_the_user', tasks: [] }, null, 2)}\n`);
    await vscode.workspace.fs.writeFile(uri, edited);

    // The command reports the clash to the user (an error message); it may resolve or reject.
    await Promise.resolve(vscode.commands.executeCommand('dagstream.newDag', { name })).catch(() => undefined);

    const after = await vscode.workspace.fs.readFile(uri);
    assert.equal(new TextDecoder().decode(after), new TextDecoder().decode(edited), 'the existing file was overwritten');
  });
});
