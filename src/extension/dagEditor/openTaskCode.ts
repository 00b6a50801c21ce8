import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JsonObject } from '../../protocol/jsonValue';
import { taskCodeLanguage, TASK_CODE_SCHEME, toTaskCodeUriParts } from './taskCodeLocation';

/** What a new `code_file` starts with, so that the task runs as soon as it is created. */
const STARTERS: Readonly<Record<string, string>> = {
  '.py': 'def main(context):\n    return None\n',
  '.js': 'export default async function (context) {\n  return null;\n}\n',
  '.mjs': 'export default async function (context) {\n  return null;\n}\n',
  '.ts': 'export default async function (context: Record<string, unknown>): Promise<unknown> {\n  return null;\n}\n',
};

/**
 * "Edit code": opens a task's code in a real editor tab beside the canvas. `code_file` opens the
 * workspace file it names (offering to create it with a starter when missing); inline code opens
 * as a `dagstream-task:` document whose saves go back into the DAG file (TaskCodeFileSystem.ts).
 */
export async function openTaskCode(
  document: vscode.TextDocument,
  task: JsonObject | undefined,
  taskId: string,
  field: string,
): Promise<void> {
  if (!task) {
    void vscode.window.showWarningMessage(
      `Task "${taskId}" is no longer in ${path.basename(document.fileName)}; it may have been renamed or deleted.`,
    );
    return;
  }
  const operator = typeof task.operator === 'string' ? task.operator : '';
  if (field === 'code_file') {
    await openCodeFile(document, task.code_file, taskId);
    return;
  }
  const language = taskCodeLanguage(operator, field, task);
  const value = task[field];
  if (!language) {
    void vscode.window.showWarningMessage(`"${field}" of task "${taskId}" is not code; edit it in the inspector.`);
    return;
  }
  if (value !== undefined && typeof value !== 'string') {
    void vscode.window.showWarningMessage(
      `"${field}" of task "${taskId}" is not a single text (a list of statements?); edit it in the text (Open as Text).`,
    );
    return;
  }
  const parts = toTaskCodeUriParts(
    { dagUri: document.uri.toString(), taskId, field },
    path.basename(document.fileName),
    language.extension,
  );
  const uri = vscode.Uri.from({ scheme: TASK_CODE_SCHEME, path: parts.path, query: parts.query });
  let code = await vscode.workspace.openTextDocument(uri);
  if (code.languageId !== language.language) code = await vscode.languages.setTextDocumentLanguage(code, language.language);
  await vscode.window.showTextDocument(code, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

async function openCodeFile(document: vscode.TextDocument, codeFile: unknown, taskId: string): Promise<void> {
  if (typeof codeFile !== 'string' || codeFile.trim() === '') {
    void vscode.window.showWarningMessage(
      `Task "${taskId}" has no "code_file"; enter a workspace-relative path such as "dags/${taskId}.py" first.`,
    );
    return;
  }
  // code_file is relative to the workspace folder (as the executor resolves it); the DAG's folder without one.
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri ?? vscode.Uri.joinPath(document.uri, '..');
  const uri = vscode.Uri.joinPath(folder, ...codeFile.split(/[\\/]+/).filter((s) => s !== ''));
  if (!(await exists(uri))) {
    const create = 'Create File';
    const choice = await vscode.window.showInformationMessage(`${codeFile} does not exist yet. Create it?`, create);
    if (choice !== create) return;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(STARTERS[path.extname(uri.path)] ?? '', 'utf8'));
  }
  await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
