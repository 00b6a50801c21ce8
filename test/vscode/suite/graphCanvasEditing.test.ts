import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DidChangeDocumentNotification } from '../../../src/protocol/dagCanvasProtocol';
import type { DagEdit } from '../../../src/protocol/dagEditDto';
import { closeAllEditors, uniqueDagName, waitFor } from './workspaceHelpers';

// Named to sort after extension.test.ts, whose first test checks that nothing activated the extension yet.

/** The canvas's own code paths, run without a webview to click in (see DagEditorProvider.ts). */
const APPLY_EDIT = '_dagstream.canvas.applyEdit';
const OPEN_TASK_CODE = '_dagstream.canvas.openTaskCode';
const LAST_POSTED = '_dagstream.canvas.lastPosted';

type Outcome = { ok: true; version: number; select: string[] } | { ok: false; reason: string };

interface TaskShape {
  task_id: string;
  operator: string;
  upstream?: string[];
  position?: { x: number; y: number };
  retries?: number;
  bash_command?: string;
}

async function openNewDag(): Promise<vscode.TextDocument> {
  const uri = await vscode.commands.executeCommand<vscode.Uri>('dagstream.newDag', { name: uniqueDagName('canvas') });
  assert.ok(uri instanceof vscode.Uri, 'dagstream.newDag did not return the new file');
  // The custom editor opens the document; wait until the canvas has been sent its first state (the
  // first webview of a fresh workbench takes seconds to load).
  await eventually('the canvas to receive the document', async () => (await lastPosted(uri)) !== undefined, 30_000);
  return waitFor('the DAG document to be open', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()));
}

async function apply(document: vscode.TextDocument, edit: DagEdit): Promise<Outcome> {
  return vscode.commands.executeCommand<Outcome>(APPLY_EDIT, document.uri, edit);
}

async function applyOk(document: vscode.TextDocument, edit: DagEdit): Promise<string[]> {
  const outcome = await apply(document, edit);
  assert.ok(outcome.ok, `the canvas refused ${JSON.stringify(edit)}: ${outcome.ok ? '' : outcome.reason}`);
  assert.equal(outcome.version, document.version, 'the answer names another version than the document has');
  return outcome.select;
}

function lastPosted(uri: vscode.Uri): Thenable<DidChangeDocumentNotification | undefined> {
  return vscode.commands.executeCommand<DidChangeDocumentNotification | undefined>(LAST_POSTED, uri);
}

function tasksOf(document: vscode.TextDocument): TaskShape[] {
  return (JSON.parse(document.getText()) as { tasks: TaskShape[] }).tasks;
}

/** waitFor with an async probe. */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

suite('Dagstream canvas: editing through the document', function () {
  // Room for the first canvas of a fresh workbench to load its webview.
  this.timeout(60_000);
  // Closing a dirty editor would ask whether to save, in a dialog nobody answers: save them first.
  teardown(async () => {
    for (const document of vscode.workspace.textDocuments) if (document.isDirty) await document.save();
    await closeAllEditors();
  });

  test('gestures become minimal edits of the JSON, and the canvas is sent each new version', async () => {
    const document = await openNewDag();
    const before = document.getText();
    assert.deepEqual(await applyOk(document, { kind: 'addTask', operator: 'bash', position: { x: 560.4, y: 0 }, taskId: 'bash_1' }), [
      'bash_1',
    ]);
    await applyOk(document, { kind: 'connect', source: 'load', target: 'bash_1' });
    await applyOk(document, { kind: 'moveTasks', moves: [{ taskId: 'extract', position: { x: 10.6, y: 20 } }] });
    await applyOk(document, { kind: 'setTaskField', taskId: 'bash_1', path: ['retries'], value: 3 });
    const tasks = tasksOf(document);
    assert.deepEqual(
      tasks.map((t) => [t.task_id, t.upstream, t.position]),
      [
        ['extract', [], { x: 11, y: 20 }],
        ['load', ['extract'], { x: 280, y: 0 }],
        ['bash_1', ['load'], { x: 560, y: 0 }],
      ],
    );
    assert.equal(tasks[2]?.retries, 3);
    // Everything before the tasks is untouched, byte for byte.
    const head = before.slice(0, before.indexOf('"tasks"'));
    assert.ok(document.getText().startsWith(head), 'the edit changed text it had no business touching');
    assert.ok(document.isDirty, 'a canvas edit must make the document dirty');

    await eventually(
      'the canvas to be sent the edited version',
      async () => (await lastPosted(document.uri))?.version === document.version,
    );
    const posted = await lastPosted(document.uri);
    assert.deepEqual(
      posted?.graph?.tasks.map((t) => t.taskId),
      ['extract', 'load', 'bash_1'],
    );
  });

  test('refuses a link that would make a cycle, with the cycle in the reason, and leaves the text alone', async () => {
    const document = await openNewDag();
    const text = document.getText();
    const outcome = await apply(document, { kind: 'connect', source: 'load', target: 'extract' });
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.reason, /cycle: extract -> load -> extract/);
    assert.equal(document.getText(), text);
    assert.equal(document.isDirty, false);
  });

  test('renaming a task updates the tasks that wait for it; deleting one removes it from theirs', async () => {
    const document = await openNewDag();
    await applyOk(document, { kind: 'renameTask', taskId: 'extract', newTaskId: 'fetch_weather' });
    assert.deepEqual(tasksOf(document)[1]?.upstream, ['fetch_weather']);
    await applyOk(document, { kind: 'deleteElements', taskIds: ['fetch_weather'], links: [] });
    assert.deepEqual(
      tasksOf(document).map((t) => [t.task_id, t.upstream]),
      [['load', []]],
    );
  });

  test('undo and redo in the canvas go through VS Code, one step per gesture', async () => {
    const document = await openNewDag();
    const original = document.getText();
    await applyOk(document, { kind: 'addTask', operator: 'sql', position: { x: 0, y: 200 } });
    const added = document.getText();
    await applyOk(document, { kind: 'setDagField', path: ['schedule'], value: '0 6 * * *' });
    const scheduled = document.getText();

    await vscode.commands.executeCommand('undo');
    await eventually('undo of the schedule', async () => document.getText() === added);
    await vscode.commands.executeCommand('undo');
    await eventually('undo of the new task', async () => document.getText() === original);
    await vscode.commands.executeCommand('redo');
    await eventually('redo of the new task', async () => document.getText() === added);
    await vscode.commands.executeCommand('redo');
    await eventually('redo of the schedule', async () => document.getText() === scheduled);
    await eventually(
      'the canvas to show the redone version',
      async () => (await lastPosted(document.uri))?.graph?.schedule === '0 6 * * *',
    );
  });

  test('saving writes the edited text to disk; revert brings back the saved file', async () => {
    const document = await openNewDag();
    await applyOk(document, { kind: 'duplicateTasks', taskIds: ['load'] });
    assert.ok(await document.save(), 'the document did not save');
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(document.uri));
    assert.equal(onDisk, document.getText());
    assert.deepEqual(
      tasksOf(document).map((t) => t.task_id),
      ['extract', 'load', 'load_1'],
    );
    await applyOk(document, { kind: 'deleteElements', taskIds: ['load_1'], links: [] });
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await eventually('revert to the saved text', async () => document.getText() === onDisk && !document.isDirty);
  });

  test('text edits reach the canvas at once, and problems reach the Problems panel and go when fixed', async () => {
    const document = await openNewDag();
    const text = document.getText();
    const offset = text.indexOf('"extract"', text.indexOf('"upstream": [\n'));
    assert.ok(offset > 0, 'the template has no upstream entry naming extract');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(offset), document.positionAt(offset + '"extract"'.length)), '"ghost"');
    assert.ok(await vscode.workspace.applyEdit(edit));

    await eventually('the canvas to be sent the problem', async () => {
      const posted = await lastPosted(document.uri);
      return posted?.version === document.version && posted.problems.some((p) => p.code === 'unknown-upstream' && p.taskId === 'load');
    });
    await eventually('a Problems panel entry', async () =>
      vscode.languages
        .getDiagnostics(document.uri)
        .some((d) => d.source === 'dagstream' && d.code === 'unknown-upstream' && d.range.start.line === document.positionAt(offset).line),
    );

    await vscode.commands.executeCommand('undo');
    await eventually(
      'the problem to go away',
      async () => !vscode.languages.getDiagnostics(document.uri).some((d) => d.source === 'dagstream'),
    );
  });

  test("schema violations are reported once, by VS Code's JSON validation from the contributed schema", async () => {
    const document = await openNewDag();
    await applyOk(document, { kind: 'setTaskField', taskId: 'load', path: ['retries'], value: -1 });
    await eventually(
      "VS Code's JSON validation to flag the negative retries",
      async () =>
        vscode.languages
          .getDiagnostics(document.uri)
          .some((d) => d.source !== 'dagstream' && /retries|minimum|-1|>= 0/i.test(`${d.message}`)),
      15_000,
    );
    const ours = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'dagstream');
    assert.deepEqual(
      ours.map((d) => d.code),
      [],
      'Dagstream repeated a schema problem that VS Code already reports',
    );
  });

  test('"Edit code" opens inline code in a tab with its language; saving it writes it into the DAG file', async () => {
    const document = await openNewDag();
    await vscode.commands.executeCommand(OPEN_TASK_CODE, document.uri, 'extract', 'bash_command');
    const editor = await waitFor('the task code editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === 'dagstream-task' ? active : undefined;
    });
    assert.equal(editor.document.languageId, 'shellscript');
    assert.equal(editor.document.getText(), tasksOf(document)[0]?.bash_command);

    const command = 'curl -s "https://api.example.com/weather?city={{ params.city }}"\necho done';
    assert.ok(await editor.edit((builder) => builder.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), command)));
    assert.ok(await editor.document.save(), 'the task code document did not save');
    assert.equal(tasksOf(document)[0]?.bash_command, command);
    // The DAG had no other unsaved change, so saving the code saved the DAG file too.
    const onDisk = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(document.uri))) as { tasks: TaskShape[] };
    assert.equal(onDisk.tasks[0]?.bash_command, command);

    // A change made in the DAG (here an undo from the canvas) reaches the open code tab.
    await applyOk(document, { kind: 'setTaskField', taskId: 'extract', path: ['bash_command'], value: 'echo changed' });
    await eventually('the code tab to follow the DAG', async () => editor.document.getText() === 'echo changed');
  });
});
