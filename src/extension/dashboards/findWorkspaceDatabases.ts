import * as vscode from 'vscode';

/** SQLite files of the workspace, workspace-relative, for pickers (the first 200, skipping dependencies and Dagstream's own metadata). */
export async function findWorkspaceDatabases(): Promise<string[]> {
  const files = await vscode.workspace.findFiles('**/*.{sqlite,sqlite3,db}', '{**/node_modules/**,**/.dagstream/**,**/.git/**}', 200);
  return files.map((uri) => vscode.workspace.asRelativePath(uri, false)).sort();
}

/** The folder panel databases are relative to: the dashboard's workspace folder, else its own folder. */
export function workspaceRootOf(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? vscode.Uri.joinPath(uri, '..').fsPath;
}
