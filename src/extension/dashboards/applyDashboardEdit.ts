import * as vscode from 'vscode';
import { editDashboardText, type DashboardEdit } from '../../core/dashboard/editDashboardText';
import { detectJsonFormatting } from '../dagEditor/detectJsonFormatting';

export type DashboardEditOutcome = { ok: true } | { ok: false; reason: string };

export const DASHBOARD_RESTRICTED_REASON =
  'This workspace is in Restricted Mode: dashboards do not run queries and cannot be edited here. Trust the workspace (Manage Workspace Trust) to use them.';

/** Edits of one document, one at a time, each on the text the previous one left. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Applies a dashboard edit to its document as one WorkspaceEdit, so that undo, redo, dirty state
 * and save are VS Code's, and a text editor open beside the dashboard shows the change.
 */
export function applyDashboardEdit(document: vscode.TextDocument, edit: DashboardEdit): Promise<DashboardEditOutcome> {
  const key = document.uri.toString();
  const run = (queues.get(key) ?? Promise.resolve()).then(() => applyNow(document, edit));
  const settled = run.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

async function applyNow(document: vscode.TextDocument, edit: DashboardEdit): Promise<DashboardEditOutcome> {
  if (!vscode.workspace.isTrusted) return { ok: false, reason: DASHBOARD_RESTRICTED_REASON };
  if (document.isClosed) return { ok: false, reason: `${document.fileName} was closed; reopen it to edit it.` };
  const text = document.getText();
  const { insertSpaces, tabSize, eol, singleLine } = detectJsonFormatting(text);
  const result = editDashboardText(text, edit, { insertSpaces, tabSize: singleLine ? 2 : tabSize, eol });
  if (!result.ok) return result;
  if (result.replacements.length === 0) return { ok: true };
  const workspaceEdit = new vscode.WorkspaceEdit();
  for (const r of result.replacements) {
    workspaceEdit.replace(
      document.uri,
      new vscode.Range(document.positionAt(r.offset), document.positionAt(r.offset + r.length)),
      r.newText,
    );
  }
  if (!(await vscode.workspace.applyEdit(workspaceEdit)))
    return {
      ok: false,
      reason: `VS Code did not apply the edit to ${document.fileName}; check that the file is not read-only, then try again.`,
    };
  return { ok: true };
}
