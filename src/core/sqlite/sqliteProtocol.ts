import type { SinkTableSpec } from '../sink/mapSinkBatch';
import type { SerializedSqliteError } from './SqliteDatabaseError';
import type {
  CheckpointPolicy,
  CheckpointStats,
  CloseResult,
  ColumnInfo,
  DatabaseStatus,
  ExecuteOptions,
  CursorExecuteResult,
  ExecuteResult,
  ExportFormat,
  ExportRequest,
  ExportResult,
  OpenedDatabaseInfo,
  QueryOptions,
  QueryResult,
  RunResult,
  SinkBatchResult,
  SinkBatchWrite,
  SqlParameters,
  SqlValue,
  TableInfo,
  TransactionStep,
} from './sqliteTypes';

/**
 * The contract between a SqliteDatabase (the caller's thread) and the engine that owns the
 * sql.js database (a worker thread, or the same thread): one entry per operation, with its
 * arguments and result. Both are plain data (structured clone).
 */
export interface SqliteOperations {
  /** `wasmModule`: sql.js compiled once by the opening thread (see compileSqlWasm), shared rather than compiled again. */
  open: { args: { file: string; create: boolean; wasmPath?: string; wasmModule?: WebAssembly.Module }; result: OpenedDatabaseInfo };
  listTables: { args: { countRows: boolean }; result: TableInfo[] };
  listColumns: { args: { table: string }; result: ColumnInfo[] };
  query: { args: { sql: string; params?: SqlParameters; options: QueryOptions; checkpoint: CheckpointPolicy }; result: QueryResult };
  execute: { args: { sql: string; params?: SqlParameters; options: ExecuteOptions; checkpoint: CheckpointPolicy }; result: ExecuteResult };
  prepare: { args: { sql: string }; result: { statementId: number; columns: string[] } };
  run: { args: { statementId: number; params?: SqlParameters; checkpoint: CheckpointPolicy }; result: RunResult };
  /** Runs a prepared statement once per row, all in one transaction. */
  runMany: { args: { statementId: number; rows: readonly SqlParameters[]; checkpoint: CheckpointPolicy }; result: RunResult };
  queryPrepared: { args: { statementId: number; params?: SqlParameters; options: QueryOptions }; result: QueryResult };
  /** Several statements and their rows in one all-or-nothing transaction (a sink's rows and its offsets). */
  transaction: { args: { steps: readonly TransactionStep[]; checkpoint: CheckpointPolicy }; result: RunResult };
  finalize: { args: { statementId: number }; result: null };
  /** Prepares a Kafka sink's statements for its table; the sink then writes batches of raw messages. */
  openSink: { args: { spec: SinkTableSpec }; result: { sinkId: number } };
  /** Maps a sink's batch (parse, columns, dead letters) and stores it with its offset, in one transaction. */
  writeSinkBatch: { args: SinkBatchWrite & { checkpoint: CheckpointPolicy }; result: SinkBatchResult };
  closeSink: { args: { sinkId: number }; result: null };
  exportRows: { args: ExportRequest; result: ExportResult };
  dropTable: { args: { table: string; checkpoint: CheckpointPolicy }; result: RunResult };
  /** Saves now; `overwrite` replaces a file that another program changed meanwhile. */
  checkpoint: { args: { overwrite: boolean }; result: CheckpointStats | null };
  /** Drops the changes not saved yet and reads the file again. */
  reload: { args: Record<string, never>; result: OpenedDatabaseInfo };
  status: { args: Record<string, never>; result: DatabaseStatus };
  close: { args: Record<string, never>; result: CloseResult };
  /** execute, keeping the last statement's rows in the engine: the result holds the first `firstPageRows`. */
  executeToCursor: {
    args: { sql: string; params?: SqlParameters; options: ExecuteOptions; checkpoint: CheckpointPolicy; firstPageRows: number };
    result: CursorExecuteResult;
  };
  fetchCursor: { args: { cursorId: number; offset: number; limit: number }; result: SqlValue[][] };
  /** Writes a cursor's rows (all of them, in order) to a CSV or JSON file. */
  exportCursor: { args: { cursorId: number; columns: string[]; format: ExportFormat; file: string }; result: ExportResult };
  closeCursor: { args: { cursorId: number }; result: null };
}

export type SqliteOperationName = keyof SqliteOperations;
export type SqliteArgs<K extends SqliteOperationName> = SqliteOperations[K]['args'];
export type SqliteResult<K extends SqliteOperationName> = SqliteOperations[K]['result'];

export type SqliteRequest = {
  [K in SqliteOperationName]: { kind: 'request'; id: number; op: K; args: SqliteArgs<K> };
}[SqliteOperationName];

export type SqliteResponse =
  { kind: 'response'; id: number; ok: true; result: unknown } | { kind: 'response'; id: number; ok: false; error: SerializedSqliteError };

/** Told without being asked: background checkpoints succeed or fail between requests. */
export type SqliteEngineEvent =
  { type: 'checkpointed'; stats: CheckpointStats } | { type: 'checkpointFailed'; error: SerializedSqliteError };

export interface SqliteEventMessage {
  kind: 'event';
  event: SqliteEngineEvent;
}

export type SqliteWorkerMessage = SqliteResponse | SqliteEventMessage;

/** Passed to the worker at start. */
export interface SqliteWorkerData {
  /**
   * One Int32 the caller sets to a request's id to interrupt it. The engine reads it between
   * statements and rows: a postMessage would wait behind the very work it wants to stop.
   */
  interrupt: SharedArrayBuffer;
}

/** What the engine implements: every operation but `open`, which creates it. */
export type SqliteOperationHandlers = {
  [K in Exclude<SqliteOperationName, 'open'>]: (args: SqliteArgs<K>) => SqliteResult<K> | Promise<SqliteResult<K>>;
};
