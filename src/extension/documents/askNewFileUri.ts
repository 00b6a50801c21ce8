import * as vscode from 'vscode';

/** What "New DAG" and "New Dashboard" ask for: a folder and a name for a file that does not exist yet. */
export interface NewFileQuestion {
  /** What is being created, in words: "DAG", "dashboard". */
  what: string;
  /** The file name's ending, e.g. `.dag.json`. */
  suffix: string;
  /** Given by a caller (tests, other commands); asked for when absent. */
  name?: string;
  /** File-system path of the folder; the workspace folder (or a pick) when absent. */
  folder?: string;
  /** Why a name is not allowed, or undefined. */
  describeInvalidName(name: string): string | undefined;
  /** Offered when the file exists already (it is never overwritten), e.g. to open it. */
  onExisting?: { label: string; run(uri: vscode.Uri): Thenable<unknown> };
}

/**
 * Asks for the folder and the name, checks the name and that no such file exists (saying why
 * not in an error message), and returns the new file's URI and name; undefined when the user
 * cancelled or something was wrong.
 */
export async function askNewFileUri(question: NewFileQuestion): Promise<{ uri: vscode.Uri; name: string } | undefined> {
  const { what, suffix } = question;
  const folder = question.folder !== undefined ? vscode.Uri.file(question.folder) : await pickFolder(what);
  if (!folder) return undefined;
  const name =
    question.name ??
    (await vscode.window.showInputBox({
      title: `Dagstream: New ${capitalize(what)}`,
      prompt: `Name of the new ${what}`,
      placeHolder: 'weather',
      validateInput: (value) => question.describeInvalidName(value.trim()),
    }));
  if (name === undefined) return undefined;
  const trimmed = name.trim();
  const problem = question.describeInvalidName(trimmed);
  if (problem) {
    void vscode.window.showErrorMessage(`Cannot create ${what} "${trimmed}": ${problem}`);
    return undefined;
  }
  const uri = vscode.Uri.joinPath(folder, `${trimmed}${suffix}`);
  if (await exists(uri)) {
    const message = `${trimmed}${suffix} already exists in ${folder.fsPath}; choose another name.`;
    const existing = question.onExisting;
    if (existing)
      void vscode.window.showErrorMessage(message, existing.label).then(async (choice) => {
        if (choice === existing.label) await existing.run(uri);
      });
    else void vscode.window.showErrorMessage(message);
    return undefined;
  }
  return { uri, name: trimmed };
}

async function pickFolder(what: string): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0]?.uri;
  if (folders.length > 1)
    return (await vscode.window.showWorkspaceFolderPick({ placeHolder: `Workspace folder for the new ${what}` }))?.uri;
  const chosen = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: `Create ${capitalize(what)} Here`,
  });
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

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
