import type { SqliteArgs, SqliteEngineEvent, SqliteOperationName, SqliteResult } from './sqliteProtocol';

/** How a SqliteDatabase reaches its engine: across a worker thread, or on the same thread. */
export interface SqliteTransport {
  /**
   * Rejects with a SqliteDatabaseError. `signal` interrupts the operation between statements and
   * rows. `transfer`: buffers of `args` handed over rather than copied (across a worker thread
   * they become unusable to the caller).
   */
  call<K extends SqliteOperationName>(
    op: K,
    args: SqliteArgs<K>,
    signal?: AbortSignal,
    transfer?: readonly ArrayBuffer[],
  ): Promise<SqliteResult<K>>;
  onEvent(listener: (event: SqliteEngineEvent) => void): void;
  /** Ends the thread (after a successful close, or to abandon the database). */
  terminate(): Promise<void>;
}
