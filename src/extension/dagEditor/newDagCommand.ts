import * as vscode from 'vscode';
import { createNewDag, describeInvalidDagName, serializeDag } from '../../core/dag/createNewDag';
import { DAG_FILE_SUFFIX } from '../../core/dag/dagFile';
import { askNewFileUri } from '../documents/askNewFileUri';
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
  const target = await askNewFileUri({
    what: 'DAG',
    suffix: DAG_FILE_SUFFIX,
    ...(args?.name === undefined ? {} : { name: args.name }),
    ...(args?.folder === undefined ? {} : { folder: args.folder }),
    describeInvalidName: describeInvalidDagName,
    onExisting: { label: 'Open It', run: (uri) => vscode.commands.executeCommand('vscode.openWith', uri, DagEditorProvider.viewType) },
  });
  if (!target) return undefined;
  const { uri, name: trimmed } = target;

  try {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(serializeDag(createNewDag(trimmed)), 'utf8'));
  } catch (error) {
    void vscode.window.showErrorMessage(`Cannot write ${uri.fsPath}: ${String(error)}. Check that the folder is writable.`);
    return undefined;
  }
  await vscode.commands.executeCommand('vscode.openWith', uri, DagEditorProvider.viewType);
  return uri;
}
