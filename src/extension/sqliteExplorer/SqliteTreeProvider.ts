import * as vscode from 'vscode';
import { describeColumnKeys, describeTableColumns, type ColumnDescription } from '../../core/sqlite/describeTableColumns';
import type { TableInfo } from '../../core/sqlite/sqliteTypes';
import type { SqliteConnections } from './SqliteConnections';
import type { DatabaseEntry, SqliteDatabaseList } from './SqliteDatabaseList';

export interface DatabaseNode {
  kind: 'database';
  entry: DatabaseEntry;
}
export interface TableNode {
  kind: 'table';
  database: DatabaseNode;
  table: TableInfo;
}
export interface ColumnNode {
  kind: 'column';
  table: TableNode;
  column: ColumnDescription;
}
/** An empty state or an error, shown where the missing children would be. */
export interface MessageNode {
  kind: 'message';
  id: string;
  text: string;
  severity: 'info' | 'error';
  detail?: string;
  command?: vscode.Command;
}
export type SqliteNode = DatabaseNode | TableNode | ColumnNode | MessageNode;

const count = (n: number): string => n.toLocaleString('en');

/**
 * The SQLite view: databases -> tables and views with row counts -> columns with types and keys.
 * Each node computes its children; a database that cannot be read, or has no tables, says so as
 * a node instead of showing nothing.
 */
export class SqliteTreeProvider implements vscode.TreeDataProvider<SqliteNode>, vscode.Disposable {
  static readonly viewId = 'dagstream.sqlite';
  private readonly changed = new vscode.EventEmitter<SqliteNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly databases: SqliteDatabaseList,
    private readonly connections: SqliteConnections,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: SqliteNode): vscode.TreeItem {
    switch (node.kind) {
      case 'database': {
        const item = new vscode.TreeItem(node.entry.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `db:${node.entry.file}`;
        item.iconPath = new vscode.ThemeIcon('database');
        item.contextValue = node.entry.added ? 'sqliteDatabase.added' : 'sqliteDatabase';
        item.description = node.entry.added ? 'added' : undefined;
        item.tooltip = node.entry.file;
        item.resourceUri = vscode.Uri.file(node.entry.file);
        return item;
      }
      case 'table': {
        const { table } = node;
        const item = new vscode.TreeItem(table.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `table:${node.database.entry.file}:${table.name}`;
        item.iconPath = new vscode.ThemeIcon(table.type === 'view' ? 'eye' : 'table');
        item.contextValue = table.type === 'view' ? 'sqliteView' : 'sqliteTable';
        const rows =
          table.rowCount === undefined ? 'rows not counted' : `${count(table.rowCount)} ${table.rowCount === 1 ? 'row' : 'rows'}`;
        item.description = table.type === 'view' ? `view · ${rows}` : rows;
        item.tooltip = new vscode.MarkdownString().appendCodeblock(table.sql ?? table.name, 'sql');
        if (table.rowCountError) item.tooltip.appendText(`\nCould not count rows: ${table.rowCountError}`);
        return item;
      }
      case 'column': {
        const { column } = node;
        const item = new vscode.TreeItem(column.name, vscode.TreeItemCollapsibleState.None);
        item.id = `column:${node.table.database.entry.file}:${node.table.table.name}:${column.name}`;
        item.iconPath = new vscode.ThemeIcon(column.primaryKey > 0 ? 'key' : column.foreignKey ? 'references' : 'symbol-field');
        item.description = describeColumnKeys(column);
        item.contextValue = 'sqliteColumn';
        item.tooltip = `${column.name} ${describeColumnKeys(column)}${column.defaultValue !== null ? ` · DEFAULT ${column.defaultValue}` : ''}`;
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(
          node.severity === 'error' ? 'error' : 'info',
          node.severity === 'error' ? new vscode.ThemeColor('errorForeground') : undefined,
        );
        item.tooltip = node.detail ?? node.text;
        item.contextValue = `sqliteMessage.${node.severity}`;
        if (node.command) item.command = node.command;
        return item;
      }
    }
  }

  getParent(node: SqliteNode): SqliteNode | undefined {
    if (node.kind === 'table') return node.database;
    if (node.kind === 'column') return node.table;
    return undefined;
  }

  async getChildren(node?: SqliteNode): Promise<SqliteNode[]> {
    if (!node) return this.databaseNodes();
    if (node.kind === 'database') return this.tableNodes(node);
    if (node.kind === 'table') return this.columnNodes(node);
    return [];
  }

  private async databaseNodes(): Promise<SqliteNode[]> {
    const entries = await this.databases.list();
    if (entries.length > 0) return entries.map((entry) => ({ kind: 'database', entry }));
    return [
      {
        kind: 'message',
        id: 'no-databases',
        severity: 'info',
        text: 'No SQLite databases (*.sqlite, *.db) in this workspace. Add one…',
        command: { command: 'dagstream.sqlite.addDatabase', title: 'Add Database' },
      },
    ];
  }

  private async tableNodes(database: DatabaseNode): Promise<SqliteNode[]> {
    let tables: TableInfo[];
    try {
      const db = await this.connections.open(database.entry.file);
      tables = await db.listTables({ countRows: true });
    } catch (error) {
      // Next expand tries again from scratch (the file may have been fixed or unlocked).
      await this.connections.close(database.entry.file);
      return [errorNode(`error:${database.entry.file}`, `Cannot open ${database.entry.label}`, error)];
    }
    if (tables.length === 0)
      return [
        {
          kind: 'message',
          id: `empty:${database.entry.file}`,
          severity: 'info',
          text: 'No tables yet. New Query to create one…',
          command: { command: 'dagstream.sqlite.newQuery', title: 'New Query', arguments: [database] },
        },
      ];
    return tables.map((table) => ({ kind: 'table', database, table }));
  }

  private async columnNodes(table: TableNode): Promise<SqliteNode[]> {
    try {
      const db = await this.connections.open(table.database.entry.file);
      const columns = await describeTableColumns(db, table.table.name);
      if (columns.length === 0)
        return [
          { kind: 'message', id: `nocolumns:${table.table.name}`, severity: 'info', text: 'No columns (a view over a dropped table?)' },
        ];
      return columns.map((column) => ({ kind: 'column', table, column }));
    } catch (error) {
      return [errorNode(`error:${table.database.entry.file}:${table.table.name}`, `Cannot read the columns of ${table.table.name}`, error)];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function errorNode(id: string, what: string, error: unknown): MessageNode {
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'message', id, severity: 'error', text: `${what}: ${message}`, detail: message };
}
