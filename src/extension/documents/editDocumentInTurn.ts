import * as vscode from 'vscode';

/** A change of `length` characters at `offset` of a document's text. */
export interface OffsetReplacement {
  offset: number;
  length: number;
  newText: string;
}

/** Edits of one document, one at a time, each on the text the previous one left. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `edit` when the edits of `document` queued before it have finished, so that each is made
 * against the text as it is when its turn comes (webviews send gestures faster than VS Code
 * applies them). Used by every custom editor whose document is the model.
 */
export function editDocumentInTurn<T>(document: vscode.TextDocument, edit: () => Promise<T>): Promise<T> {
  const key = document.uri.toString();
  const run = (queues.get(key) ?? Promise.resolve()).then(edit);
  const settled = run.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

/**
 * Applies replacements (offsets in the document's current text) as one `WorkspaceEdit`, so that
 * undo, redo, dirty state and save are VS Code's. Returns why it failed, or undefined.
 */
export async function applyReplacements(
  document: vscode.TextDocument,
  replacements: readonly OffsetReplacement[],
): Promise<string | undefined> {
  if (replacements.length === 0) return undefined;
  const workspaceEdit = new vscode.WorkspaceEdit();
  for (const r of replacements)
    workspaceEdit.replace(
      document.uri,
      new vscode.Range(document.positionAt(r.offset), document.positionAt(r.offset + r.length)),
      r.newText,
    );
  if (await vscode.workspace.applyEdit(workspaceEdit)) return undefined;
  return `VS Code did not apply the edit to ${document.fileName}; check that the file is not read-only, then try again.`;
}
