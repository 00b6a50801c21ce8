import type { RunState, TaskState } from '../scheduler/taskStates';
import type { DagRecord, DagRunRecord, PoolRecord, TaskInstanceRecord, TaskTryRecord, XComRecord } from './metadataRecords';

/**
 * The engine's metadata: DAGs and their pause state, runs, task instances, tries, XComs, pools.
 *
 * Reads and writes are synchronous against an in-memory SQLite database (sql.js) so that the
 * scheduler's hot path never awaits I/O. Durability comes from two mechanisms:
 * - every mutation is appended to a journal (`metadata.journal`) at the end of the current
 *   event-loop turn (or at once by `flushJournal()`), so a killed process loses nothing that
 *   a finished turn recorded;
 * - `checkpoint()` writes an atomic snapshot (temp file in the same folder, fsync, rename, fsync
 *   of the folder) that `sqlite3` opens, then truncates the journal. Opening a store loads the
 *   snapshot and replays the journal.
 */
export interface MetadataStore {
  /** Absolute path of `metadata.sqlite`. */
  readonly path: string;
  readonly readOnly: boolean;

  getDag(dagId: string): DagRecord | undefined;
  listDags(): DagRecord[];
  upsertDag(record: DagRecord): void;

  /** Throws when a run with the same dag id and run id exists. */
  insertRun(run: DagRunRecord): void;
  updateRun(run: DagRunRecord): void;
  getRun(dagId: string, runId: string): DagRunRecord | undefined;
  /** Newest first (by logical date, then queued time). */
  listRuns(dagId?: string, filter?: { states?: readonly RunState[]; limit?: number }): DagRunRecord[];
  /** The scheduled or backfill run with the latest data interval end, for the next schedule tick. */
  latestAutomatedRun(dagId: string): DagRunRecord | undefined;

  upsertTaskInstance(ti: TaskInstanceRecord): void;
  getTaskInstance(dagId: string, runId: string, taskId: string): TaskInstanceRecord | undefined;
  listTaskInstances(dagId: string, runId: string): TaskInstanceRecord[];
  /** Across all DAGs and runs; used at start-up to find tasks a dead scheduler left running. */
  listTaskInstancesByState(states: readonly TaskState[]): TaskInstanceRecord[];

  upsertTry(attempt: TaskTryRecord): void;
  listTries(dagId: string, runId: string, taskId: string): TaskTryRecord[];

  setXCom(record: XComRecord): void;
  getXCom(dagId: string, runId: string, taskId: string, key?: string): XComRecord | undefined;
  listXComs(dagId: string, runId: string): XComRecord[];
  /** Removes a task instance's XComs before it runs again (Airflow clears them on a new try). */
  clearXComs(dagId: string, runId: string, taskId: string): void;

  getPool(name: string): PoolRecord | undefined;
  listPools(): PoolRecord[];
  upsertPool(pool: PoolRecord): void;

  /** Writes buffered journal entries now (synchronously). */
  flushJournal(): void;
  /** Atomic snapshot of the whole database; resolves once it is durable on disk. */
  checkpoint(): Promise<void>;
  /**
   * Read-only stores: picks up what the scheduler holding the lock wrote since the store was opened
   * or last reloaded (new snapshot and journal entries). A writable store is always current; for
   * it this does nothing.
   */
  reload(): void;
  /** Flushes, checkpoints (unless read-only) and releases the database. */
  close(): Promise<void>;
}
