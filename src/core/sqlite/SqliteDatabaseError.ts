import type { SqlPosition } from './sqliteTypes';

/**
 * What went wrong, so that callers can react without parsing messages: the explorer shows
 * `locked` differently from `sql`, the sql operator reports a statement's position.
 */
export type SqliteErrorKind =
  /** SQLite rejected a statement (syntax, constraint, missing table...). */
  | 'sql'
  /** The parameters do not fit the statement's placeholders. */
  | 'parameters'
  | 'not-a-database'
  /** Another program is writing the file (a hot journal or write-ahead log is beside it). */
  | 'locked'
  /** The file changed on disk since Dagstream read it, while Dagstream had unsaved changes. */
  | 'conflict'
  | 'disk-full'
  /** The file or its folder cannot be written (permissions, read-only file system). */
  | 'read-only'
  | 'not-found'
  | 'io'
  | 'closed'
  | 'interrupted'
  /** The database's worker thread stopped or could not start. */
  | 'worker';

/** The form an error takes on its way between the database worker and the caller. */
export interface SerializedSqliteError {
  kind: SqliteErrorKind;
  message: string;
  file: string;
  position?: SqlPosition;
  sqliteMessage?: string;
  /** Set on checkpoint failures after a write: the write itself is applied in memory. */
  appliedInMemory?: boolean;
}

/**
 * The mark `instanceof SqliteDatabaseError` checks. The extension ships two bundles (dist/extension.js
 * and dist/extensionServices.js, loaded on first use), each with its own copy of this class, and
 * errors cross between them: a class identity check would fail across the copies, the mark does not.
 */
const SQLITE_DATABASE_ERROR: unique symbol = Symbol.for('dagstream.SqliteDatabaseError');

export class SqliteDatabaseError extends Error {
  override readonly name = 'SqliteDatabaseError';
  readonly [SQLITE_DATABASE_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && SQLITE_DATABASE_ERROR in value;
  }
  readonly kind: SqliteErrorKind;
  readonly file: string;
  /** For `sql` errors in a script: which statement, and where it starts. */
  readonly position: SqlPosition | undefined;
  /** SQLite's own message, without Dagstream's explanation around it. */
  readonly sqliteMessage: string | undefined;
  /**
   * True when the write ran (its rows are in the database in memory, visible to queries) but
   * saving the file failed: they are saved by the next successful checkpoint or on close.
   */
  readonly appliedInMemory: boolean;

  constructor(details: SerializedSqliteError, options?: { cause?: unknown }) {
    super(details.message, options);
    this.kind = details.kind;
    this.file = details.file;
    this.position = details.position;
    this.sqliteMessage = details.sqliteMessage;
    this.appliedInMemory = details.appliedInMemory ?? false;
  }

  toJSON(): SerializedSqliteError {
    return {
      kind: this.kind,
      message: this.message,
      file: this.file,
      ...(this.position ? { position: this.position } : {}),
      ...(this.sqliteMessage !== undefined ? { sqliteMessage: this.sqliteMessage } : {}),
      ...(this.appliedInMemory ? { appliedInMemory: true } : {}),
    };
  }

  /** Any error thrown while working on `file`, as plain data for the other thread. */
  static serialize(error: unknown, file: string): SerializedSqliteError {
    if (error instanceof SqliteDatabaseError) return error.toJSON();
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'io', message: `Internal error while working on ${file}: ${message}`, file };
  }
}
