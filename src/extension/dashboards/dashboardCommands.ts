import * as path from 'node:path';
import * as vscode from 'vscode';
import { askNewFileUri } from '../documents/askNewFileUri';
import { DASHBOARD_FILE_SUFFIX, DASHBOARD_FILE_VERSION, type DashboardFile, type DashboardPanel } from '../../core/dashboard/dashboardFile';
import { loadExtensionServices } from '../services/loadExtensionServices';
import { suggestChart } from '../../core/dashboard/suggestChart';
import { sqlStatementRanges } from '../../core/sqlite/scanSqlText';
import type { SqlDocumentBindings } from '../sqliteExplorer/SqlDocumentBindings';
import { applyDashboardEdit, DASHBOARD_RESTRICTED_REASON } from './applyDashboardEdit';
import { DashboardEditorProvider } from './DashboardEditorProvider';
import { findWorkspaceDatabases, workspaceRootOf } from './findWorkspaceDatabases';

/** Arguments for "Dagstream: New Dashboard" when run by code (tests, the SQLite explorer). */
export interface NewDashboardArgs {
  name?: string;
  /** File-system path of the folder for the file; the workspace folder by default. */
  folder?: string;
  /** A first panel: the query and its workspace-relative database. */
  database?: string;
  sql?: string;
  panelTitle?: string;
}

/**
 * Arguments for "Dagstream: Add Chart to Dashboard": the query to chart (the SQLite explorer and
 * the query runner pass it; from the palette it comes from the active .sql editor) and, optionally,
 * the dashboard file to add it to.
 */
export interface AddChartArgs {
  /** Relative to the workspace folder, or an absolute path inside it. */
  database?: string;
  sql?: string;
  title?: string;
  /** File-system path or URI of the dashboard; asked for when absent. */
  dashboard?: string | vscode.Uri;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function describeInvalidName(name: string): string | undefined {
  if (name === '') return 'Give the dashboard a name.';
  if (!NAME_PATTERN.test(name)) return 'Use letters, digits, "_", "." and "-" (starting with a letter or digit).';
  return undefined;
}

/** "Dagstream: New Dashboard": writes `<name>.dashboard.json` (with a first panel when given a query) and opens it. */
export async function newDashboardCommand(args: NewDashboardArgs = {}): Promise<vscode.Uri | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(DASHBOARD_RESTRICTED_REASON);
    return undefined;
  }
  const target = await askNewFileUri({
    what: 'dashboard',
    suffix: DASHBOARD_FILE_SUFFIX,
    ...(args.name === undefined ? {} : { name: args.name }),
    ...(args.folder === undefined ? {} : { folder: args.folder }),
    describeInvalidName,
  });
  if (!target) return undefined;
  const { uri, name: trimmed } = target;
  const dashboard: DashboardFile = { version: DASHBOARD_FILE_VERSION, title: trimmed, refresh_interval: '1m', panels: [] };
  if (args.database !== undefined && args.sql !== undefined) {
    const panel = await panelFor(workspaceRootOf(uri), args.database, args.sql, args.panelTitle ?? 'Panel 1');
    if ('error' in panel) {
      void vscode.window.showErrorMessage(panel.error);
      return undefined;
    }
    dashboard.panels.push(panel);
  }
  try {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(`${JSON.stringify(dashboard, null, 2)}\n`, 'utf8'));
  } catch (error) {
    void vscode.window.showErrorMessage(`Cannot write ${uri.fsPath}: ${String(error)}. Check that the folder is writable.`);
    return undefined;
  }
  await vscode.commands.executeCommand('vscode.openWith', uri, DashboardEditorProvider.viewType);
  return uri;
}

/**
 * "Dagstream: Add Chart to Dashboard": charts a query on a dashboard. The query's columns pick the
 * first chart (the user changes it on the dashboard). Resolves to the dashboard, or undefined when
 * the user cancelled or the query failed (the error is shown).
 */
export async function addChartToDashboardCommand(args: AddChartArgs = {}, bindings?: SqlDocumentBindings): Promise<vscode.Uri | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(DASHBOARD_RESTRICTED_REASON);
    return undefined;
  }
  const sql = args.sql ?? sqlFromActiveEditor() ?? (await askForSql());
  if (sql === undefined || sql.trim() === '') return undefined;
  const database = args.database ?? databaseOfActiveEditor(bindings) ?? (await pickDatabase());
  if (database === undefined) return undefined;
  const target = args.dashboard !== undefined ? toUri(args.dashboard) : await pickDashboard();
  if (target === undefined) return undefined;
  if (target === 'new') return newDashboardCommand({ database, sql: sql.trim(), ...(args.title ? { panelTitle: args.title } : {}) });

  const document = await vscode.workspace.openTextDocument(target);
  const panel = await panelFor(workspaceRootOf(target), database, sql.trim(), args.title ?? firstLineOf(sql));
  if ('error' in panel) {
    void vscode.window.showErrorMessage(panel.error);
    return undefined;
  }
  const outcome = await applyDashboardEdit(document, { kind: 'addPanel', panel });
  if (!outcome.ok) {
    void vscode.window.showErrorMessage(`Could not add the chart to ${target.fsPath}: ${outcome.reason}`);
    return undefined;
  }
  await document.save();
  await vscode.commands.executeCommand('vscode.openWith', target, DashboardEditorProvider.viewType);
  return target;
}

async function panelFor(root: string, databasePath: string, sql: string, title: string): Promise<DashboardPanel | { error: string }> {
  // Callers that hold a database by its file (the SQLite explorer) may pass an absolute path; the
  // dashboard stores it relative to the workspace folder, so the file works on every clone.
  const database = path.isAbsolute(databasePath) ? path.relative(root, databasePath).split(path.sep).join('/') : databasePath;
  if (database.startsWith('..') || path.isAbsolute(database))
    return {
      error: `Cannot chart ${databasePath}: it is outside the workspace folder ${root}, and dashboards read only the workspace's databases.`,
    };
  const [outcome] = await (await loadExtensionServices()).runPanelQueries(root, [{ database, sql }]);
  if (!outcome?.ok) return { error: `Cannot chart this query on ${database}: ${outcome?.error ?? 'no result'}` };
  return { title, database, sql, chart: suggestChart(outcome.columns, outcome.rows) };
}

/** The selection of the active SQL editor, else the statement under its cursor (a panel runs one query). */
function sqlFromActiveEditor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'sql') return undefined;
  const selected = editor.document.getText(editor.selection);
  if (selected.trim() !== '') return selected;
  const text = editor.document.getText();
  const cursor = editor.document.offsetAt(editor.selection.active);
  const statements = sqlStatementRanges(text);
  const under =
    statements.find((s) => cursor >= s.start && cursor <= s.end) ?? statements.find((s) => s.start >= cursor) ?? statements.at(-1);
  return under?.text ?? text;
}

/** The database the query runner bound the active .sql editor to (an absolute path), if any. */
function databaseOfActiveEditor(bindings: SqlDocumentBindings | undefined): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!bindings || !editor || editor.document.languageId !== 'sql') return undefined;
  return bindings.get(editor.document.uri);
}

function askForSql(): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Dagstream: Add Chart to Dashboard',
    prompt: 'The query to chart (one SELECT)',
    placeHolder: 'SELECT day, avg(temp) AS temp FROM readings GROUP BY day ORDER BY day',
  });
}

async function pickDatabase(): Promise<string | undefined> {
  const databases = await findWorkspaceDatabases();
  if (databases.length === 0) {
    void vscode.window.showErrorMessage(
      'No SQLite database (*.sqlite, *.sqlite3, *.db) in this workspace; create one or open a workspace with one.',
    );
    return undefined;
  }
  return vscode.window.showQuickPick(databases, { title: 'Dagstream: Add Chart to Dashboard', placeHolder: 'Database to query' });
}

async function pickDashboard(): Promise<vscode.Uri | 'new' | undefined> {
  const files = await vscode.workspace.findFiles(`**/*${DASHBOARD_FILE_SUFFIX}`, '**/node_modules/**', 200);
  const items: Array<vscode.QuickPickItem & { uri?: vscode.Uri }> = [
    { label: '$(add) New dashboard…' },
    ...files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Dagstream: Add Chart to Dashboard',
    placeHolder: 'Dashboard to add the chart to',
  });
  if (!picked) return undefined;
  return picked.uri ?? 'new';
}

function toUri(value: string | vscode.Uri): vscode.Uri {
  return typeof value === 'string' ? vscode.Uri.file(value) : value;
}

function firstLineOf(sql: string): string {
  const line = sql.trim().split('\n')[0] ?? 'Query';
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
