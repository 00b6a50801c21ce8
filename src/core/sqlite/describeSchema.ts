import type { Database } from 'sql.js';
import { SqliteDatabaseError } from './SqliteDatabaseError';
import type { ColumnInfo, TableInfo } from './sqliteTypes';

/** A name as an SQL identifier. Names come from sqlite_schema; identifiers cannot be bound parameters. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Tables and views, sqlite's own (sqlite_sequence, sqlite_stat1) left out, by name. */
export function listTables(db: Database, countRows: boolean): TableInfo[] {
  const stmt = db.prepare(
    "SELECT name, type, sql FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name COLLATE NOCASE",
  );
  const tables: TableInfo[] = [];
  try {
    while (stmt.step()) {
      const [name, type, sql] = stmt.get() as [string, 'table' | 'view', string | null];
      tables.push({ name, type, sql, rowCount: undefined });
    }
  } finally {
    stmt.free();
  }
  if (countRows) {
    for (const table of tables) {
      try {
        table.rowCount = Number(db.exec(`SELECT count(*) FROM ${quoteIdentifier(table.name)}`)[0]?.values[0]?.[0] ?? 0);
      } catch (error) {
        // A view over a dropped table cannot be counted; the tree shows why instead of failing the whole list.
        table.rowCountError = error instanceof Error ? error.message : String(error);
      }
    }
  }
  return tables;
}

/** The type ('table' or 'view') of `name`, or undefined when there is neither. */
export function tableType(db: Database, name: string): 'table' | 'view' | undefined {
  const stmt = db.prepare("SELECT type FROM sqlite_schema WHERE name = ? AND type IN ('table', 'view')");
  try {
    stmt.bind([name]);
    return stmt.step() ? (stmt.get()[0] as 'table' | 'view') : undefined;
  } finally {
    stmt.free();
  }
}

export function listColumns(db: Database, file: string, table: string): ColumnInfo[] {
  if (tableType(db, table) === undefined) throw noSuchTable(file, table);
  const stmt = db.prepare('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid');
  const columns: ColumnInfo[] = [];
  try {
    stmt.bind([table]);
    while (stmt.step()) {
      const [name, type, notNull, defaultValue, pk] = stmt.get() as [string, string, number, string | null, number];
      columns.push({ name, type, notNull: notNull === 1, primaryKey: pk, defaultValue });
    }
  } finally {
    stmt.free();
  }
  return columns;
}

export function noSuchTable(file: string, table: string): SqliteDatabaseError {
  return new SqliteDatabaseError({
    kind: 'sql',
    file,
    message: `There is no table or view named ${JSON.stringify(table)} in ${file}. Refresh the list of tables; another program may have dropped or renamed it.`,
  });
}
