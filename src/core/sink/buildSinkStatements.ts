import type { CompiledSinkColumn, SinkColumnType } from './compileSinkColumns';

/** The table where every sink of a database keeps its next offsets, beside its rows. */
export const SINK_OFFSETS_TABLE = '_dagstream_sink_offsets';

/** The SQL a sink runs. Names are validated identifiers, quoted anyway; values are always bound. */
export interface SinkStatements {
  readonly createTable: string;
  readonly createDeadLetterTable: string;
  readonly createOffsetsTable: string;
  /**
   * Refuses (aborts the transaction of) an offset update that does not continue from the stored
   * offset: with several transactions queued, one that failed must not be skipped over by the
   * next one of its partition, whose rows would then sit beside a gap.
   */
  readonly createOffsetsGuard: string;
  /** One row: the columns' values in mapping order. */
  readonly insertRow: string;
  /**
   * `count` rows in one statement, their values one row after the other: SQLite runs it as
   * `count` single-row inserts (upserts included, in order), while sql.js's cost per statement
   * run (binding, stepping, resetting across the WebAssembly boundary) is paid once.
   */
  insertRows(count: number): string;
  /** topic, partition, offset, timestamp, key, value, headers (JSON), reason, failed_at. */
  readonly insertDeadLetter: string;
  /** sink table, topic, partition, next offset, previous offset (where the batch started), updated_at. */
  readonly storeOffset: string;
  /** The stored next offsets of this sink's table: bind the table name. */
  readonly readOffsets: string;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * JSON columns are declared TEXT: a declared type of JSON would get NUMERIC affinity in SQLite,
 * which turns the JSON text "42" into the integer 42.
 */
function declaredType(type: SinkColumnType): string {
  return type === 'JSON' ? 'TEXT' : type;
}

export function buildSinkStatements(
  table: string,
  columns: readonly CompiledSinkColumn[],
  primaryKey: readonly string[],
  deadLetterTable: string,
): SinkStatements {
  const t = quoteIdentifier(table);
  const definitions = columns.map((c) => `${quoteIdentifier(c.name)} ${declaredType(c.type)}${c.required ? ' NOT NULL' : ''}`);
  if (primaryKey.length > 0) definitions.push(`PRIMARY KEY (${primaryKey.map(quoteIdentifier).join(', ')})`);
  const names = columns.map((c) => quoteIdentifier(c.name));
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  const keys = new Set(primaryKey);
  const updates = columns.filter((c) => !keys.has(c.name)).map((c) => `${quoteIdentifier(c.name)} = excluded.${quoteIdentifier(c.name)}`);
  const upsert =
    primaryKey.length === 0
      ? ''
      : ` ON CONFLICT (${primaryKey.map(quoteIdentifier).join(', ')}) ${updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`;
  const d = quoteIdentifier(deadLetterTable);
  const o = quoteIdentifier(SINK_OFFSETS_TABLE);
  const insertRows = (count: number): string =>
    `INSERT INTO ${t} (${names.join(', ')}) VALUES ${Array.from({ length: count }, () => placeholders).join(', ')}${upsert}`;
  return {
    createTable: `CREATE TABLE IF NOT EXISTS ${t} (${definitions.join(', ')})`,
    createDeadLetterTable:
      `CREATE TABLE IF NOT EXISTS ${d} (topic TEXT NOT NULL, partition INTEGER NOT NULL, "offset" INTEGER NOT NULL, ` +
      `timestamp INTEGER, key BLOB, value BLOB, headers TEXT, reason TEXT NOT NULL, failed_at TEXT NOT NULL, ` +
      `PRIMARY KEY (topic, partition, "offset"))`,
    createOffsetsTable:
      `CREATE TABLE IF NOT EXISTS ${o} (sink_table TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, ` +
      `next_offset INTEGER NOT NULL, previous_offset INTEGER, updated_at TEXT NOT NULL, PRIMARY KEY (sink_table, topic, partition))`,
    createOffsetsGuard:
      `CREATE TRIGGER IF NOT EXISTS ${quoteIdentifier(`${SINK_OFFSETS_TABLE}_in_order`)} BEFORE UPDATE OF next_offset ON ${o} ` +
      `WHEN NEW.previous_offset IS NOT OLD.next_offset BEGIN ` +
      `SELECT RAISE(ABORT, 'kafka.sink: this batch does not continue from the stored offset (a write before it failed); none of it was kept'); END`,
    insertRow: insertRows(1),
    insertRows,
    insertDeadLetter:
      `INSERT OR REPLACE INTO ${d} (topic, partition, "offset", timestamp, key, value, headers, reason, failed_at) ` +
      `VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    storeOffset:
      `INSERT INTO ${o} (sink_table, topic, partition, next_offset, previous_offset, updated_at) VALUES (?, ?, ?, ?, ?, ?) ` +
      `ON CONFLICT (sink_table, topic, partition) DO UPDATE SET next_offset = excluded.next_offset, ` +
      `previous_offset = excluded.previous_offset, updated_at = excluded.updated_at`,
    readOffsets: `SELECT topic, partition, next_offset FROM ${o} WHERE sink_table = ?`,
  };
}
