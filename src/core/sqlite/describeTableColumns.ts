import type { SqliteDatabase } from './SqliteDatabase';
import type { ColumnInfo } from './sqliteTypes';

export interface ColumnDescription extends ColumnInfo {
  /** The column this one references, when a FOREIGN KEY clause names it (`column` null: the other table's primary key). */
  foreignKey?: { table: string; column: string | null };
}

/**
 * A table's columns with their keys, for explorers: type, NOT NULL, position in the primary key,
 * and what each foreign key references (SQLite's foreign_key_list, read through a bound
 * table-valued function: a table name is never spliced into SQL).
 */
export async function describeTableColumns(db: SqliteDatabase, table: string): Promise<ColumnDescription[]> {
  const columns: ColumnDescription[] = await db.listColumns(table);
  const keys = await db.query('SELECT "from", "table", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq', [table], { limit: 10_000 });
  for (const [from, target, to] of keys.rows) {
    const column = columns.find((c) => c.name === from);
    if (column && !column.foreignKey) column.foreignKey = { table: String(target), column: to === null ? null : String(to) };
  }
  return columns;
}

/** "INTEGER · PK · NOT NULL · FK → cities(id)": what a tree shows beside a column's name. */
export function describeColumnKeys(column: ColumnDescription): string {
  const parts = [column.type || 'no type'];
  if (column.primaryKey > 0) parts.push('PK');
  if (column.notNull) parts.push('NOT NULL');
  if (column.foreignKey) parts.push(`FK → ${column.foreignKey.table}${column.foreignKey.column ? `(${column.foreignKey.column})` : ''}`);
  return parts.join(' · ');
}
