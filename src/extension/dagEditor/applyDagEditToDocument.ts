import * as vscode from 'vscode';
import type { DagEdit } from '../../protocol/dagEditDto';
import { applyCanvasEdit } from './applyCanvasEdit';

export type DagEditOutcome = { ok: true; version: number; select: string[] } | { ok: false; reason: string };

/** Edits of one document are applied one at a time, each on the text the previous one left. */
const queues = new Map<string, Promise<unknown>>();

export const RESTRICTED_MODE_REASON =
  'This workspace is in Restricted Mode, so the canvas is read-only. Trust the workspace (Manage Workspace Trust) to edit DAGs on the canvas.';

/**
 * Applies a canvas gesture to a DAG document as one `WorkspaceEdit`, so that VS Code owns undo,
 * redo, dirty state, save, revert and hot exit. Gestures of a document are queued: each is turned
 * into text edits only when its turn comes, against the text as it is then.
 */
export function applyDagEditToDocument(document: vscode.TextDocument, edit: DagEdit): Promise<DagEditOutcome> {
  const key = document.uri.toString();
  const run = (queues.get(key) ?? Promise.resolve()).then(() => applyNow(document, edit));
  const settled = run.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

async function applyNow(document: vscode.TextDocument, edit: DagEdit): Promise<DagEditOutcome> {
  if (!vscode.workspace.isTrusted) return { ok: false, reason: RESTRICTED_MODE_REASON };
  if (document.isClosed) return { ok: false, reason: `${document.fileName} was closed; reopen it to edit it.` };
  const result = applyCanvasEdit(document.getText(), edit);
  if (!result.ok) return result;
  if (result.replacements.length === 0) return { ok: true, version: document.version, select: result.select };
  const workspaceEdit = new vscode.WorkspaceEdit();
  for (const replacement of result.replacements) {
    const range = new vscode.Range(document.positionAt(replacement.offset), document.positionAt(replacement.offset + replacement.length));
    workspaceEdit.replace(document.uri, range, replacement.newText);
  }
  const applied = await vscode.workspace.applyEdit(workspaceEdit);
  if (!applied) {
    return {
      ok: false,
      reason: `VS Code did not apply the edit to ${document.fileName}; check that the file is not read-only, then try again.`,
    };
  }
  return { ok: true, version: document.version, select: result.select };
}
