import type { SinkTableSpec } from '../sink/mapSinkBatch';
import { PreparedStatement } from './PreparedStatement';
import { SqliteDatabaseError, type SerializedSqliteError } from './SqliteDatabaseError';
import type { SqliteArgs, SqliteOperationName, SqliteResult } from './sqliteProtocol';
import { SqliteSinkWriter } from './SqliteSinkWriter';
import type { SqliteTransport } from './SqliteTransport';
import type {
  CheckpointPolicy,
  CheckpointStats,
  CloseResult,
  ColumnInfo,
  CursorExecuteResult,
  DatabaseStatus,
  ExecuteOptions,
  ExecuteResult,
  ExportFormat,
  ExportRequest,
  ExportResult,
  OpenedDatabaseInfo,
  QueryOptions,
  QueryResult,
  RunResult,
  SqlParameters,
  SqlValue,
  TableInfo,
} from './sqliteTypes';

/** A step of SqliteDatabase.transaction: a prepared statement or SQL, run once per row of parameters. */
export interface TransactionStepInput {
  statement: PreparedStatement | string;
  rows: readonly SqlParameters[];
}

/** What openSqliteDatabase shares between the handles of one file. */
export interface SharedSqliteDatabase {
  readonly transport: SqliteTransport;
  readonly info: OpenedDatabaseInfo;
  /** Called by a handle's close; resolves when the handle is released (and the engine closed, if it was the last). */
  release(): Promise<CloseResult>;
  readonly checkpointListeners: Set<(stats: CheckpointStats) => void>;
  readonly failureListeners: Set<(error: SqliteDatabaseError) => void>;
}

/**
 * One caller's handle on a database file. Every open of the same file in a process shares one
 * engine (one copy in memory, one writer of snapshots); each handle has its own default
 * checkpoint policy, prepared statements and listeners, and its own close.
 *
 * All methods are asynchronous: the database lives in a worker thread (see SqliteEngine).
 * Errors are SqliteDatabaseErrors that say what was being done, on which file, and what to do.
 */
export class SqliteDatabase {
  readonly file: string;
  private closed = false;
  private readonly statements = new Set<PreparedStatement>();
  private readonly sinkWriters = new Set<SqliteSinkWriter>();
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly shared: SharedSqliteDatabase,
    /** Policy of writes through this handle that do not give one. */
    readonly defaultCheckpoint: CheckpointPolicy,
  ) {
    this.file = shared.info.file;
  }

  /** False when the file did not exist at open (it is created by the first save). */
  get existed(): boolean {
    return this.shared.info.existed;
  }

  listTables(options: { countRows?: boolean } = {}): Promise<TableInfo[]> {
    return this.call('listTables', { countRows: options.countRows ?? true });
  }

  listColumns(table: string): Promise<ColumnInfo[]> {
    return this.call('listColumns', { table });
  }

  /**
   * Runs one statement and returns a page of its rows (offset, limit: default 1,000) with the
   * exact total. A statement that writes (INSERT ... RETURNING) is saved per `checkpoint`.
   */
  query(
    sql: string,
    params?: SqlParameters,
    options: QueryOptions & { checkpoint?: CheckpointPolicy; signal?: AbortSignal } = {},
  ): Promise<QueryResult> {
    const { checkpoint, signal, ...page } = options;
    return this.call('query', { sql, params, options: page, checkpoint: checkpoint ?? this.defaultCheckpoint }, signal);
  }

  /**
   * Runs a script of one or more statements (atomic by default). The same parameters go to every
   * statement that has placeholders. A failure rejects with the statement's index and line/column.
   */
  execute(sql: string, params?: SqlParameters, options: ExecuteOptions & { signal?: AbortSignal } = {}): Promise<ExecuteResult> {
    const { checkpoint, signal, ...rest } = options;
    return this.call('execute', { sql, params, options: rest, checkpoint: checkpoint ?? this.defaultCheckpoint }, signal);
  }

  /**
   * execute, with the last statement's rows kept in the database's thread instead of sent at once:
   * the result holds the first `firstPageRows`; fetchCursorRows reads the others page by page,
   * exportCursorRows writes them all to a file, closeCursor releases them (close releases all).
   */
  executeWithCursor(
    sql: string,
    params: SqlParameters | undefined,
    options: ExecuteOptions & { firstPageRows: number; signal?: AbortSignal },
  ): Promise<CursorExecuteResult> {
    const { checkpoint, signal, firstPageRows, ...rest } = options;
    return this.call(
      'executeToCursor',
      { sql, params, options: rest, checkpoint: checkpoint ?? this.defaultCheckpoint, firstPageRows },
      signal,
    );
  }

  fetchCursorRows(cursorId: number, offset: number, limit: number): Promise<SqlValue[][]> {
    return this.call('fetchCursor', { cursorId, offset, limit });
  }

  exportCursorRows(cursorId: number, columns: string[], format: ExportFormat, file: string): Promise<ExportResult> {
    return this.call('exportCursor', { cursorId, columns, format, file });
  }

  closeCursor(cursorId: number): Promise<null> {
    return this.call('closeCursor', { cursorId });
  }

  async prepare(sql: string): Promise<PreparedStatement> {
    const { statementId, columns } = await this.call('prepare', { sql });
    const statement = new PreparedStatement(this.shared.transport, statementId, sql, columns, this.defaultCheckpoint, (s) =>
      this.statements.delete(s),
    );
    this.statements.add(statement);
    return statement;
  }

  /**
   * A Kafka sink's writer on `spec.table` (which, with its dead-letter table and the offsets
   * table, must exist): the parsing and mapping of its messages happen in the database's thread.
   */
  async openSink(spec: SinkTableSpec): Promise<SqliteSinkWriter> {
    const { sinkId } = await this.call('openSink', { spec });
    const writer = new SqliteSinkWriter(this.shared.transport, sinkId, this.defaultCheckpoint, (w) => this.sinkWriters.delete(w));
    this.sinkWriters.add(writer);
    return writer;
  }

  /** Several statements, each run for its rows, in one transaction: all of it is kept, or none. */
  transaction(
    steps: readonly TransactionStepInput[],
    options: { checkpoint?: CheckpointPolicy; signal?: AbortSignal } = {},
  ): Promise<RunResult> {
    return this.call(
      'transaction',
      {
        steps: steps.map((step) =>
          typeof step.statement === 'string'
            ? { sql: step.statement, rows: step.rows }
            : { statementId: step.statement.id, rows: step.rows },
        ),
        checkpoint: options.checkpoint ?? this.defaultCheckpoint,
      },
      options.signal,
    );
  }

  /** Streams a table or a query's rows to a CSV or JSON file (written in the database's thread). */
  exportToFile(request: ExportRequest, options: { signal?: AbortSignal } = {}): Promise<ExportResult> {
    return this.call('exportRows', request, options.signal);
  }

  /** Drops a table (or a view). Asking the user first is the caller's job. */
  dropTable(table: string, options: { checkpoint?: CheckpointPolicy } = {}): Promise<RunResult> {
    return this.call('dropTable', { table, checkpoint: options.checkpoint ?? this.defaultCheckpoint });
  }

  /** Saves unsaved changes now; null when there were none. `overwrite` replaces a file another program changed. */
  checkpoint(options: { overwrite?: boolean } = {}): Promise<CheckpointStats | null> {
    return this.call('checkpoint', { overwrite: options.overwrite ?? false });
  }

  /** Drops unsaved changes (of every handle) and reads the file again. */
  reload(): Promise<OpenedDatabaseInfo> {
    return this.call('reload', {});
  }

  status(): Promise<DatabaseStatus> {
    return this.call('status', {});
  }

  /** Every successful snapshot, whoever's write caused it. Returns a function that unsubscribes. */
  onDidCheckpoint(listener: (stats: CheckpointStats) => void): () => void {
    return this.listen(this.shared.checkpointListeners, listener);
  }

  /** Background snapshots (timer, row count) that failed; the changes stay in memory and are retried. */
  onDidFailCheckpoint(listener: (error: SqliteDatabaseError) => void): () => void {
    return this.listen(this.shared.failureListeners, listener);
  }

  /**
   * Finalizes this handle's statements and releases it. The last handle of a file saves what is
   * unsaved (per the writes' onClose) and stops the worker. If that save fails, close rejects
   * and the handle stays open, so that the caller can free space and close again.
   */
  async close(): Promise<CloseResult> {
    if (this.closed) return { discardedChangedRows: 0 };
    await Promise.all([...this.statements].map((statement) => statement.finalize().catch(() => undefined)));
    await Promise.all([...this.sinkWriters].map((writer) => writer.close().catch(() => undefined)));
    const result = await this.shared.release();
    this.closed = true;
    for (const dispose of this.disposers.splice(0)) dispose();
    return result;
  }

  private listen<T>(set: Set<(value: T) => void>, listener: (value: T) => void): () => void {
    set.add(listener);
    const dispose = (): void => void set.delete(listener);
    this.disposers.push(dispose);
    return dispose;
  }

  private call<K extends SqliteOperationName>(op: K, args: SqliteArgs<K>, signal?: AbortSignal): Promise<SqliteResult<K>> {
    if (this.closed) return Promise.reject(closedError(this.file));
    return this.shared.transport.call(op, args, signal);
  }
}

function closedError(file: string): SqliteDatabaseError {
  const details: SerializedSqliteError = {
    kind: 'closed',
    file,
    message: `This handle on ${file} is closed. Open the database again to use it.`,
  };
  return new SqliteDatabaseError(details);
}
