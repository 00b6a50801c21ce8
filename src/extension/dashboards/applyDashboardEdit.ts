import * as vscode from 'vscode';
import { editDashboardText, type DashboardEdit } from '../../core/dashboard/editDashboardText';
import { detectJsonFormatting } from '../dagEditor/detectJsonFormatting';
import { applyReplacements, editDocumentInTurn } from '../documents/editDocumentInTurn';

export type DashboardEditOutcome = { ok: true } | { ok: false; reason: string };

export const DASHBOARD_RESTRICTED_REASON =
  'This workspace is in Restricted Mode: dashboards do not run queries and cannot be edited here. Trust the workspace (Manage Workspace Trust) to use them.';

/**
 * Applies a dashboard edit to its document as one WorkspaceEdit, so that undo, redo, dirty state
 * and save are VS Code's, and a text editor open beside the dashboard shows the change.
 */
export function applyDashboardEdit(document: vscode.TextDocument, edit: DashboardEdit): Promise<DashboardEditOutcome> {
  return editDocumentInTurn(document, () => applyNow(document, edit));
}

async function applyNow(document: vscode.TextDocument, edit: DashboardEdit): Promise<DashboardEditOutcome> {
  if (!vscode.workspace.isTrusted) return { ok: false, reason: DASHBOARD_RESTRICTED_REASON };
  if (document.isClosed) return { ok: false, reason: `${document.fileName} was closed; reopen it to edit it.` };
  const text = document.getText();
  const { insertSpaces, tabSize, eol, singleLine } = detectJsonFormatting(text);
  const result = editDashboardText(text, edit, { insertSpaces, tabSize: singleLine ? 2 : tabSize, eol });
  if (!result.ok) return result;
  const failure = await applyReplacements(document, result.replacements);
  return failure === undefined ? { ok: true } : { ok: false, reason: failure };
}
