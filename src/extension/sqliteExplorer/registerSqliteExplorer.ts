import * as path from 'node:path';
import * as vscode from 'vscode';
import { quoteIdentifier } from '../../core/sqlite/describeSchema';
import { sqlStatementRanges } from '../../core/sqlite/scanSqlText';
import { SqlCodeLensProvider } from './SqlCodeLensProvider';
import { SqlDocumentBindings } from './SqlDocumentBindings';
import { SqliteConnections } from './SqliteConnections';
import { DATABASE_GLOB, labelOf, SqliteDatabaseList, type DatabaseEntry } from './SqliteDatabaseList';
import { SqliteTreeProvider, type SqliteNode, type TableNode } from './SqliteTreeProvider';
import { SqlResultsPanel } from './SqlResultsPanel';
import type { SqlResultsRun } from './SqlResultsRun';

const FIRST_ROWS = 1_000;
const DATABASE_FILTERS = { 'SQLite databases': ['sqlite', 'db', 'sqlite3', 'db3'], 'All files': ['*'] };

/** What the SQLite commands act on: a tree node when run from the view, else nothing (they ask). */
type NodeArg = SqliteNode | undefined;

/**
 * The SQLite side of the sidebar and the editor: the SQLite view (databases -> tables -> columns),
 * the query runner for .sql files (CodeLens, run selection, database binding) and the results
 * panels. Databases open through the core's database service, off the extension host's thread.
 */
export function registerSqliteExplorer(context: vscode.ExtensionContext): void {
  const connections = new SqliteConnections();
  const databases = new SqliteDatabaseList(context.workspaceState);
  const bindings = new SqlDocumentBindings(context.workspaceState);
  const tree = new SqliteTreeProvider(databases, connections);
  const lenses = new SqlCodeLensProvider(bindings);
  const view = vscode.window.createTreeView(SqliteTreeProvider.viewId, { treeDataProvider: tree, showCollapseAll: true });

  const onRan = (run: SqlResultsRun): void => {
    // Anything but a plain read may have changed tables or counts.
    if (run.result && (run.result.changes > 0 || run.result.columns.length === 0)) connections.notifyChanged(run.request.database.file);
  };
  const maxRows = (): number => vscode.workspace.getConfiguration('dagstream.sqlite').get<number>('maxResultRows', 500_000);

  /** The workspace must be trusted before SQL runs or a file is written. */
  const trusted = (what: string): boolean => {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(`Dagstream does not ${what} in a restricted workspace. Trust the workspace to do it.`);
    return false;
  };

  const pickDatabase = async (placeHolder: string): Promise<string | undefined> => {
    const entries = await databases.list();
    const browse = '$(folder-opened) Browse for a database file…';
    const picked = await vscode.window.showQuickPick(
      [
        ...entries.map((e) => ({ label: `$(database) ${path.basename(e.file)}`, description: e.label, file: e.file })),
        { label: browse, description: '', file: undefined },
      ],
      { placeHolder, matchOnDescription: true },
    );
    if (!picked) return undefined;
    if (picked.file) return picked.file;
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: DATABASE_FILTERS, openLabel: 'Use Database' });
    if (!chosen?.[0]) return undefined;
    await databases.add([chosen[0].fsPath]);
    tree.refresh();
    return chosen[0].fsPath;
  };

  const databaseOf = async (document: vscode.Uri, ask: boolean): Promise<string | undefined> => {
    const bound = bindings.get(document);
    if (bound || !ask) return bound;
    const file = await pickDatabase(`Which database does ${path.basename(document.path)} run on?`);
    if (file) await bindings.set(document, file);
    return file;
  };

  /** Runs SQL from a document (a statement, a selection) on the document's database, into its results panel. */
  const runFromDocument = async (document: vscode.TextDocument, start: number, end: number): Promise<SqlResultsRun | undefined> => {
    if (!trusted('run SQL')) return undefined;
    const file = await databaseOf(document.uri, true);
    if (!file) return undefined;
    const text = document.getText(new vscode.Range(document.positionAt(start), document.positionAt(end)));
    const first = sqlStatementRanges(text)[0];
    if (!first) {
      void vscode.window.showInformationMessage('There is no SQL statement here to run.');
      return undefined;
    }
    const sql = text.slice(first.start).replace(/;?\s*$/, '');
    const origin = document.positionAt(start + first.start);
    const db = await openOrReport(file);
    if (!db) return undefined;
    const name = path.basename(document.uri.path);
    const panel = SqlResultsPanel.forKey(context.extensionUri, `doc:${document.uri.toString()}`, `Results: ${name}`, onRan);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Running SQL on ${path.basename(file)}` }, () =>
      panel.start(
        {
          database: db,
          databaseLabel: labelOf(file),
          sql,
          source: `${name}, line ${origin.line + 1}`,
          origin: { line: origin.line + 1, column: origin.character + 1 },
          maxRows: maxRows(),
        },
        { document: document.uri },
      ),
    );
  };

  const openOrReport = async (file: string) => {
    try {
      return await connections.open(file);
    } catch (error) {
      void vscode.window.showErrorMessage(`Cannot open ${labelOf(file)}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };

  const tableOf = (node: NodeArg): TableNode | undefined => (node?.kind === 'table' ? node : undefined);
  const entryOf = (node: NodeArg): DatabaseEntry | undefined =>
    node?.kind === 'database' ? node.entry : node?.kind === 'table' ? node.database.entry : undefined;

  const newQuery = async (node: NodeArg): Promise<void> => {
    const entry = entryOf(node);
    const file = entry?.file ?? (await pickDatabase('Which database will the new query run on?'));
    if (!file) return;
    const table = tableOf(node);
    const content = table
      ? `SELECT *\nFROM ${quoteIdentifier(table.table.name)}\nLIMIT 100;\n`
      : `-- Runs on ${labelOf(file)}. Use the "Run on" lens above a statement, or select SQL and run "Dagstream: Run Selection".\nSELECT name, type FROM sqlite_schema ORDER BY name;\n`;
    const document = await vscode.workspace.openTextDocument({ language: 'sql', content });
    await bindings.set(document.uri, file);
    await vscode.window.showTextDocument(document);
  };

  const showFirstRows = async (node: NodeArg): Promise<SqlResultsRun | undefined> => {
    const table = tableOf(node);
    if (!table || !trusted('run SQL')) return undefined;
    const { file } = table.database.entry;
    const db = await openOrReport(file);
    if (!db) return undefined;
    const panel = SqlResultsPanel.forKey(
      context.extensionUri,
      `table:${file}:${table.table.name}`,
      `${table.table.name} (${path.basename(file)})`,
      onRan,
    );
    return panel.start(
      {
        database: db,
        databaseLabel: labelOf(file),
        sql: `SELECT * FROM ${quoteIdentifier(table.table.name)} LIMIT ${FIRST_ROWS}`,
        source: `first ${FIRST_ROWS.toLocaleString('en')} rows of ${table.table.type} ${table.table.name}`,
        maxRows: FIRST_ROWS,
      },
      {},
    );
  };

  const exportTable = async (node: NodeArg): Promise<void> => {
    const table = tableOf(node);
    if (!table || !trusted('export tables')) return;
    const { file } = table.database.entry;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(path.dirname(file));
    const target = await vscode.window.showSaveDialog({
      title: `Export ${table.table.name} as CSV or JSON`,
      saveLabel: 'Export',
      defaultUri: vscode.Uri.joinPath(folder, `${table.table.name.replace(/[^\w.-]+/g, '_')}.csv`),
      filters: { CSV: ['csv'], JSON: ['json'] },
    });
    if (!target) return;
    const format = target.fsPath.toLowerCase().endsWith('.json') ? 'json' : 'csv';
    const db = await openOrReport(file);
    if (!db) return;
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Exporting ${table.table.name}…` },
        () => db.exportToFile({ format, file: target.fsPath, table: table.table.name }),
      );
      void vscode.window.showInformationMessage(
        `Exported ${result.rows.toLocaleString('en')} rows of ${table.table.name} to ${vscode.workspace.asRelativePath(target, false)}.`,
      );
    } catch (error) {
      void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
    }
  };

  const dropTable = async (node: NodeArg): Promise<boolean> => {
    const table = tableOf(node);
    if (!table || !trusted('change databases')) return false;
    const { file, label } = table.database.entry;
    const kind = table.table.type;
    const rows = table.table.rowCount === undefined ? '' : ` and its ${table.table.rowCount.toLocaleString('en')} row(s)`;
    const answer = await vscode.window.showWarningMessage(
      `Drop ${kind} "${table.table.name}" from ${label}?`,
      { modal: true, detail: `The ${kind}${kind === 'table' ? rows : ''} will be deleted from the file. This cannot be undone.` },
      `Drop ${kind === 'view' ? 'View' : 'Table'}`,
    );
    if (!answer) return false;
    const db = await openOrReport(file);
    if (!db) return false;
    try {
      await db.dropTable(table.table.name);
      connections.notifyChanged(file);
      return true;
    } catch (error) {
      void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
      return false;
    }
  };

  const addDatabase = async (): Promise<void> => {
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: true, filters: DATABASE_FILTERS, openLabel: 'Add Database' });
    if (!chosen || chosen.length === 0) return;
    await databases.add(chosen.map((uri) => uri.fsPath));
    tree.refresh();
  };

  const removeDatabase = async (node: NodeArg): Promise<void> => {
    if (node?.kind !== 'database') return;
    await databases.remove(node.entry.file);
    await bindings.forgetDatabase(node.entry.file);
    await connections.close(node.entry.file);
    tree.refresh();
  };

  const refresh = async (node: NodeArg): Promise<void> => {
    // A refresh reads the file afresh: another program (the sqlite3 tool, a pipeline) may have changed it.
    const entry = entryOf(node);
    if (entry) await connections.close(entry.file);
    tree.refresh();
  };

  const changeDatabase = async (uri?: vscode.Uri): Promise<void> => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!target) return;
    const file = await pickDatabase(`Which database does ${path.basename(target.path)} run on?`);
    if (file) await bindings.set(target, file);
  };

  const runStatement = async (uri: vscode.Uri, start: number, end: number): Promise<SqlResultsRun | undefined> => {
    const document = await vscode.workspace.openTextDocument(uri);
    return runFromDocument(document, start, end);
  };

  const runSelection = async (): Promise<SqlResultsRun | undefined> => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Open a .sql file and select the SQL to run.');
      return undefined;
    }
    const { document, selection } = editor;
    if (!selection.isEmpty) return runFromDocument(document, document.offsetAt(selection.start), document.offsetAt(selection.end));
    // No selection: the statement under the cursor.
    const cursor = document.offsetAt(selection.active);
    const statements = sqlStatementRanges(document.getText());
    const statement =
      statements.find((s) => cursor >= s.start && cursor <= s.end) ?? statements.findLast((s) => s.start <= cursor) ?? statements[0];
    if (!statement) {
      void vscode.window.showInformationMessage('There is no SQL statement in this file to run.');
      return undefined;
    }
    return runFromDocument(document, statement.start, statement.end);
  };

  const watcher = vscode.workspace.createFileSystemWatcher(DATABASE_GLOB);
  let refreshTimer: NodeJS.Timeout | undefined;
  const refreshSoon = (): void => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => tree.refresh(), 300);
  };

  context.subscriptions.push(
    connections,
    bindings,
    tree,
    lenses,
    view,
    watcher,
    watcher.onDidCreate(refreshSoon),
    watcher.onDidDelete(refreshSoon),
    connections.onDidChange(refreshSoon),
    { dispose: () => clearTimeout(refreshTimer) },
    vscode.languages.registerCodeLensProvider([{ language: 'sql' }], lenses),
    vscode.commands.registerCommand('dagstream.sqlite.refresh', refresh),
    vscode.commands.registerCommand('dagstream.sqlite.addDatabase', addDatabase),
    vscode.commands.registerCommand('dagstream.sqlite.removeDatabase', removeDatabase),
    vscode.commands.registerCommand('dagstream.sqlite.newQuery', newQuery),
    vscode.commands.registerCommand('dagstream.sqlite.showFirstRows', showFirstRows),
    vscode.commands.registerCommand('dagstream.sqlite.exportTable', exportTable),
    vscode.commands.registerCommand('dagstream.sqlite.dropTable', dropTable),
    vscode.commands.registerCommand('dagstream.sqlite.changeDatabase', changeDatabase),
    vscode.commands.registerCommand('dagstream.sqlite.runStatement', runStatement),
    vscode.commands.registerCommand('dagstream.sqlite.runSelection', runSelection),
    { dispose: () => SqlResultsPanel.all().forEach((panel) => panel.dispose()) },
  );
}
