import * as vscode from 'vscode';
import { createNewDag, describeInvalidDagName, serializeDag } from '../../core/dag/createNewDag';
import { DAG_FILE_SUFFIX } from '../../core/dag/dagFile';
import { DagEditorProvider } from './DagEditorProvider';

/** Arguments for running "Dagstream: New DAG" programmatically (tests, other commands). */
export interface NewDagArgs {
  name?: string;
  /** File-system path of the folder to create the DAG in; the workspace folder by default. */
  folder?: string;
}

/**
 * "Dagstream: New DAG": asks for a name, writes `<name>.dag.json` with two connected example
 * tasks and opens it on the canvas. Resolves to the new file, or undefined when the user
 * cancelled or the file already existed (an existing DAG is never overwritten).
 */
export async function newDagCommand(args?: NewDagArgs): Promise<vscode.Uri | undefined> {
  const folder = args?.folder !== undefined ? vscode.Uri.file(args.folder) : await pickFolder();
  if (!folder) return undefined;

  const name =
    args?.name ??
    (await vscode.window.showInputBox({
      title: 'Dagstream: New DAG',
      prompt: 'Name of the new DAG',
      placeHolder: 'weather',
      validateInput: (value) => describeInvalidDagName(value.trim()),
    }));
  if (name === undefined) return undefined;
  const trimmed = name.trim();
  const problem = describeInvalidDagName(trimmed);
  if (problem) {
    void vscode.window.showErrorMessage(`Cannot create DAG "${trimmed}": ${problem}`);
    return undefined;
  }

  const uri = vscode.Uri.joinPath(folder, `${trimmed}${DAG_FILE_SUFFIX}`);
  if (await exists(uri)) {
    const open = 'Open It';
    void vscode.window
      .showErrorMessage(`${trimmed}${DAG_FILE_SUFFIX} already exists in ${folder.fsPath}; choose another name.`, open)
      .then(async (choice) => {
        if (choice === open) await vscode.commands.executeCommand('vscode.openWith', uri, DagEditorProvider.viewType);
      });
    return undefined;
  }

  try {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(serializeDag(createNewDag(trimmed)), 'utf8'));
  } catch (error) {
    void vscode.window.showErrorMessage(`Cannot write ${uri.fsPath}: ${String(error)}. Check that the folder is writable.`);
    return undefined;
  }
  await vscode.commands.executeCommand('vscode.openWith', uri, DagEditorProvider.viewType);
  return uri;
}

async function pickFolder(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0]?.uri;
  if (folders.length > 1) {
    const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder for the new DAG' });
    return picked?.uri;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Create DAG Here' });
  return chosen?.[0];
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
