/**
 * The vocabulary of Dagstream's SQLite service: what callers pass and what they get back. Every
 * type here is plain data, because it crosses the thread boundary to the database worker (and,
 * later, the webview protocol) by structured clone.
 */

/**
 * A value read from SQLite. Integers outside JavaScript's safe range (±2^53) come back as their
 * exact decimal text (ids from event sources often are that big); BLOBs as bytes.
 */
export type SqlValue = string | number | null | Uint8Array;

/**
 * Values bound to placeholders: a list for `?` / `?NNN`, an object for `:name`, `@name`, `$name`
 * (keys with or without the prefix; keys "1", "2"... bind `?1`, `?2` and bare `?`). Numbers,
 * strings, null, booleans (1/0), bigints and bytes bind as themselves; lists and objects as JSON
 * text, which SQLite's json functions read.
 */
export type SqlParameters = readonly unknown[] | Readonly<Record<string, unknown>>;

/** Where a statement starts in the text it came from. Line and column are 1-based. */
export interface SqlPosition {
  /** 0-based index of the statement in its script. */
  statementIndex: number;
  /** Offset in the script of the statement's first token (UTF-16 code units, as JavaScript counts). */
  offset: number;
  line: number;
  column: number;
  /** Where the token SQLite's syntax error names (`near "FORM"`) is, when it names one. */
  near?: { offset: number; line: number; column: number };
}

/**
 * When a write is saved to the file (an atomic snapshot of the whole database). A write path
 * picks the combination that fits it: a task's SQL saves after its transaction, a stream sink
 * every N rows or N ms, a scratch database only on close.
 */
export interface CheckpointPolicy {
  /** Save as soon as the write's transaction has committed; the write resolves once it is on disk. */
  afterTransaction?: boolean;
  /** Save this long after the first change not yet saved. */
  everyMs?: number;
  /** Save once this many rows have changed since the last save. */
  everyChangedRows?: number;
  /** Save unsaved changes when the database is closed. Default true; false discards them (reported by close). */
  onClose?: boolean;
}

export type CheckpointReason = 'afterTransaction' | 'everyMs' | 'everyChangedRows' | 'close' | 'requested';

/** One snapshot written to disk. */
export interface CheckpointStats {
  reason: CheckpointReason;
  bytes: number;
  /** Time in sql.js's export (blocks the database's own thread, never the caller's when it runs in a worker). */
  exportMs: number;
  /** Time writing, fsyncing and renaming the file (asynchronous). */
  writeMs: number;
  totalMs: number;
  /** Rows changed since the previous snapshot. */
  changedRows: number;
}

export interface OpenedDatabaseInfo {
  /** Absolute path of the file. */
  file: string;
  /** False when the file does not exist yet: it is created by the first save. */
  existed: boolean;
  sizeBytes: number;
}

export interface TableInfo {
  name: string;
  type: 'table' | 'view';
  /** Undefined when not counted (listTables with countRows false) or when counting failed (a broken view). */
  rowCount: number | undefined;
  /** Why rowCount is missing when counting failed. */
  rowCountError?: string;
  /** The CREATE statement, as SQLite stores it. */
  sql: string | null;
}

export interface ColumnInfo {
  name: string;
  /** Declared type as written (`INTEGER`, `TEXT`, `VARCHAR(20)`), '' when none was declared. */
  type: string;
  notNull: boolean;
  /** 1-based position in the primary key, 0 when the column is not part of it. */
  primaryKey: number;
  defaultValue: string | null;
}

export interface QueryOptions {
  /** Rows to skip (paging). */
  offset?: number;
  /** Most rows to return; the statement still runs to the end so that totalRows is exact. Default 1,000. */
  limit?: number;
}

export interface QueryResult {
  columns: string[];
  rows: SqlValue[][];
  /** Rows the statement produced in all, before offset and limit. */
  totalRows: number;
  offset: number;
  /** True when rows holds fewer than totalRows - offset rows because of the limit. */
  truncated: boolean;
  /** Rows changed by the statement (an INSERT ... RETURNING both changes and returns). */
  changes: number;
  durationMs: number;
}

export interface StatementResult extends QueryResult {
  position: SqlPosition;
  /** The statement's text, from its first token to its end (comments before it excluded). */
  sql: string;
}

export interface ExecuteOptions {
  /**
   * Run the whole script in one transaction: a failing statement rolls back the ones before it.
   * Default true. Scripts with their own BEGIN/COMMIT, a VACUUM or a PRAGMA (foreign_keys does
   * nothing inside a transaction) run as written, each statement committing on its own.
   */
  atomic?: boolean;
  /** Keep the rows of every statement ('all') or of the last one only ('last', default). */
  rowsOf?: 'all' | 'last';
  /** Most rows kept per statement (totalRows stays exact). Default 1,000. */
  maxRows?: number;
  checkpoint?: CheckpointPolicy;
}

export interface ExecuteResult {
  /** One per statement run, in order (only the last keeps rows unless rowsOf is 'all'). */
  statements: StatementResult[];
  changes: number;
  durationMs: number;
  /** The snapshot this write waited for (afterTransaction), if any. */
  checkpoint?: CheckpointStats;
}

export interface RunResult {
  changes: number;
  /** rowid of the last row inserted on this database, as SQLite's last_insert_rowid(). */
  lastInsertRowid: number;
  durationMs: number;
  checkpoint?: CheckpointStats;
}

/** One part of an all-or-nothing write: a prepared statement (by id) or SQL, run once per row of parameters. */
export interface TransactionStep {
  statementId?: number;
  sql?: string;
  rows: readonly SqlParameters[];
}

/**
 * One batch of a Kafka sink (see src/core/sink): a partition's messages, packed by
 * packSinkMessages, stored as rows and dead letters together with the partition's next offset,
 * in one transaction, or in several of `transactionSize` messages each, one after the other:
 * each stores its own rows with the offset after its last message (the last one `nextOffset`),
 * so every transaction is exactly-once on its own, while the batch crosses to the database's
 * thread in one message.
 */
export interface SinkBatchWrite {
  sinkId: number;
  topic: string;
  partition: number;
  /** The packed messages; handed to the database's thread as a transfer (the caller's copy becomes unusable). */
  messages: ArrayBuffer;
  /** The stored offset this batch continues from; a transaction that does not continue from it is refused. */
  previousOffset: number;
  /** The offset stored with the batch's (last) transaction: the next one to read. */
  nextOffset: number;
  /** Messages per transaction; default all of them in one. */
  transactionSize?: number;
  /** ISO time for the offsets' updated_at and the dead letters' failed_at. */
  at: string;
}

/** One committed transaction of a sink's batch. */
export interface SinkTransactionResult {
  /** Messages it held (rows + dead letters), and the offset stored with them. */
  messages: number;
  nextOffset: number;
  rows: number;
  deadLetters: number;
}

export interface SinkBatchResult extends RunResult {
  /** Messages stored as rows, and as dead letters (all transactions). */
  rows: number;
  deadLetters: number;
  /**
   * The batch's transactions, in order. When one fails the write rejects, and the ones before it
   * stay committed (with their offsets: a restart continues after them).
   */
  transactions: SinkTransactionResult[];
}

export type ExportFormat = 'csv' | 'json';

export interface ExportRequest {
  format: ExportFormat;
  /** Absolute path of the file to write (replaced atomically when complete). */
  file: string;
  /** Export this table (or view)... */
  table?: string;
  /** ...or the rows of this query. */
  sql?: string;
  params?: SqlParameters;
}

export interface ExportResult {
  file: string;
  rows: number;
  bytes: number;
  durationMs: number;
}

export interface DatabaseStatus {
  file: string;
  /** True when changes are in memory that no snapshot holds yet. */
  unsaved: boolean;
  changedRowsSinceCheckpoint: number;
  lastCheckpoint: CheckpointStats | undefined;
  /** The last failed save, until a save succeeds. */
  lastCheckpointError: string | undefined;
}

export interface CloseResult {
  /** The snapshot taken on close, if there were unsaved changes. */
  checkpoint?: CheckpointStats;
  /** Changed rows dropped because every write that made them said onClose: false. */
  discardedChangedRows: number;
}

/**
 * An execute whose last statement's rows stay where the database runs, fetched page by page: a
 * 100,000-row result reaches a caller (the results grid's host) without one big message that
 * would block its thread. `rows` of the last statement hold only the first page.
 */
export interface CursorExecuteResult extends ExecuteResult {
  /** Names the kept rows for fetchCursorRows, exportCursorRows and closeCursor; undefined when nothing ran. */
  cursorId: number | undefined;
}
