import * as vscode from 'vscode';
import type { DagEdit } from '../../protocol/dagEditDto';
import { applyReplacements, editDocumentInTurn } from '../documents/editDocumentInTurn';
import { applyCanvasEdit } from './applyCanvasEdit';

export type DagEditOutcome = { ok: true; version: number; select: string[] } | { ok: false; reason: string };

export const RESTRICTED_MODE_REASON =
  'This workspace is in Restricted Mode, so the canvas is read-only. Trust the workspace (Manage Workspace Trust) to edit DAGs on the canvas.';

/**
 * Applies a canvas gesture to a DAG document as one `WorkspaceEdit`, so that VS Code owns undo,
 * redo, dirty state, save, revert and hot exit. Gestures of a document are queued: each is turned
 * into text edits only when its turn comes, against the text as it is then.
 */
export function applyDagEditToDocument(document: vscode.TextDocument, edit: DagEdit): Promise<DagEditOutcome> {
  return editDocumentInTurn(document, () => applyNow(document, edit));
}

async function applyNow(document: vscode.TextDocument, edit: DagEdit): Promise<DagEditOutcome> {
  if (!vscode.workspace.isTrusted) return { ok: false, reason: RESTRICTED_MODE_REASON };
  if (document.isClosed) return { ok: false, reason: `${document.fileName} was closed; reopen it to edit it.` };
  const result = applyCanvasEdit(document.getText(), edit);
  if (!result.ok) return result;
  const failure = await applyReplacements(document, result.replacements);
  if (failure !== undefined) return { ok: false, reason: failure };
  return { ok: true, version: document.version, select: result.select };
}
