import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { SqlJsStatic } from 'sql.js';
import type { RunState, TaskState } from '../scheduler/taskStates';
import type { JournalOp } from './applyJournalEntry';
import { applyAfter, identity, JournalGapError, loadMetadataFiles, statIfExists } from './loadMetadataFiles';
import type { FileIdentity, LoadedMetadata } from './loadMetadataFiles';
import type { MetadataDatabase } from './MetadataDatabase';
import type { MetadataJournal } from './MetadataJournal';
import type { DagRecord, DagRunRecord, PoolRecord, TaskInstanceRecord, TaskTryRecord, XComRecord } from './metadataRecords';
import type { MetadataPaths } from './metadataPaths';
import type { MetadataStore } from './MetadataStore';
import { MetadataStoreReadOnlyError } from './MetadataStoreReadOnlyError';
import { parseJournal } from './parseJournal';
import { writeFileAtomically } from './writeFileAtomically';

export interface CheckpointSettings {
  /** Checkpoint once this many entries have been journaled since the last one. */
  everyEntries: number;
  /** Checkpoint this long after the first change not yet in a snapshot; 0 turns the timer off. */
  intervalMs: number;
}

/** How long the last checkpoint took; `exportMs` is the part that blocks the event loop. */
export interface CheckpointStats {
  exportMs: number;
  totalMs: number;
  bytes: number;
  entries: number;
}

/** A timer checkpoint waits at least this many times the last export's duration, so that exporting a big database never takes more than ~5% of the event loop. */
const EXPORT_DUTY_FACTOR = 20;
/** A reader retries this often when a checkpoint lands between its reads of snapshot and journal. */
const RELOAD_ATTEMPTS = 5;

/**
 * The MetadataStore over sql.js (see the interface for the durability design). Built by
 * openMetadataStore, which loads the files; this class runs the store from then on.
 */
export class SqlJsMetadataStore implements MetadataStore {
  readonly path: string;
  readonly readOnly: boolean;
  /** Figures of the last checkpoint, for benchmarks and diagnostics. */
  lastCheckpoint: CheckpointStats | undefined;

  private db: MetadataDatabase;
  private closed = false;
  private closing: Promise<void> | undefined;

  // Writer state.
  private entriesSinceCheckpoint = 0;
  private checkpointRunning: Promise<void> | undefined;
  private checkpointQueued: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checkpointPending = false;

  // Reader state: what has been read, to read only what is new on reload().
  private snapshot: FileIdentity | undefined;
  private journalIno: number | undefined;
  private journalOffset = 0;
  private seq: number;

  constructor(
    private readonly sql: SqlJsStatic,
    private readonly paths: MetadataPaths,
    loaded: LoadedMetadata,
    private readonly journal: MetadataJournal | undefined,
    private readonly settings: CheckpointSettings & { onWarning: (message: string) => void; onClose: () => void },
  ) {
    this.path = paths.database;
    this.readOnly = journal === undefined;
    this.db = loaded.db;
    this.seq = loaded.seq;
    this.takeReaderPosition(loaded);
  }

  // ---- DAGs ----

  getDag(dagId: string): DagRecord | undefined {
    return this.reading().getDag(dagId);
  }

  listDags(): DagRecord[] {
    return this.reading().listDags();
  }

  upsertDag(record: DagRecord): void {
    this.writing('upsertDag').upsertDag(record);
    this.record({ m: 'upsertDag', a: [record] });
  }

  // ---- runs ----

  insertRun(run: DagRunRecord): void {
    this.writing('insertRun').insertRun(run);
    this.record({ m: 'insertRun', a: [run] });
  }

  updateRun(run: DagRunRecord): void {
    if (!this.writing('updateRun').updateRun(run)) {
      throw new Error(
        `Could not update run "${run.runId}" of DAG "${run.dagId}" in ${this.path}: there is no such run. Create it with insertRun first.`,
      );
    }
    this.record({ m: 'updateRun', a: [run] });
  }

  getRun(dagId: string, runId: string): DagRunRecord | undefined {
    return this.reading().getRun(dagId, runId);
  }

  listRuns(dagId?: string, filter?: { states?: readonly RunState[]; limit?: number }): DagRunRecord[] {
    return this.reading().listRuns(dagId, filter);
  }

  latestAutomatedRun(dagId: string): DagRunRecord | undefined {
    return this.reading().latestAutomatedRun(dagId);
  }

  // ---- task instances ----

  upsertTaskInstance(ti: TaskInstanceRecord): void {
    this.writing('upsertTaskInstance').upsertTaskInstance(ti);
    this.record({ m: 'upsertTaskInstance', a: [ti] });
  }

  getTaskInstance(dagId: string, runId: string, taskId: string): TaskInstanceRecord | undefined {
    return this.reading().getTaskInstance(dagId, runId, taskId);
  }

  listTaskInstances(dagId: string, runId: string): TaskInstanceRecord[] {
    return this.reading().listTaskInstances(dagId, runId);
  }

  listTaskInstancesByState(states: readonly TaskState[]): TaskInstanceRecord[] {
    return this.reading().listTaskInstancesByState(states);
  }

  // ---- tries ----

  upsertTry(attempt: TaskTryRecord): void {
    this.writing('upsertTry').upsertTry(attempt);
    this.record({ m: 'upsertTry', a: [attempt] });
  }

  listTries(dagId: string, runId: string, taskId: string): TaskTryRecord[] {
    return this.reading().listTries(dagId, runId, taskId);
  }

  // ---- XComs ----

  setXCom(record: XComRecord): void {
    this.writing('setXCom').setXCom(record);
    this.record({ m: 'setXCom', a: [record] });
  }

  getXCom(dagId: string, runId: string, taskId: string, key = 'return_value'): XComRecord | undefined {
    return this.reading().getXCom(dagId, runId, taskId, key);
  }

  listXComs(dagId: string, runId: string): XComRecord[] {
    return this.reading().listXComs(dagId, runId);
  }

  clearXComs(dagId: string, runId: string, taskId: string): void {
    this.writing('clearXComs').clearXComs(dagId, runId, taskId);
    this.record({ m: 'clearXComs', a: [dagId, runId, taskId] });
  }

  // ---- pools ----

  getPool(name: string): PoolRecord | undefined {
    return this.reading().getPool(name);
  }

  listPools(): PoolRecord[] {
    return this.reading().listPools();
  }

  upsertPool(pool: PoolRecord): void {
    this.writing('upsertPool').upsertPool(pool);
    this.record({ m: 'upsertPool', a: [pool] });
  }

  // ---- durability ----

  flushJournal(): void {
    this.assertOpen('flushJournal');
    this.journal?.flush();
  }

  checkpoint(): Promise<void> {
    try {
      this.assertOpen('checkpoint');
      if (this.readOnly) throw new MetadataStoreReadOnlyError(this.path, 'checkpoint');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.requestCheckpoint();
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      this.closing = this.shutDown();
    }
    return this.closing;
  }

  /**
   * Tests only: stops like a killed process would (buffered journal entries are lost, no
   * checkpoint, no more writes), so that a test can reopen the workspace in the same process.
   */
  simulateCrash(): void {
    this.closed = true;
    this.closing = Promise.resolve();
    this.clearTimer();
    this.journal?.abandon();
    this.db.close({ commit: false });
    this.settings.onClose();
  }

  reload(): void {
    this.assertOpen('reload');
    if (!this.readOnly) return;
    const snapshot = statIfExists(this.paths.database);
    if (!sameFile(snapshot ? identity(snapshot) : undefined, this.snapshot)) return this.reloadAll();
    const tail = readTail(this.paths.journal, this.journalOffset);
    if (!tail) return;
    if (tail.ino !== this.journalIno || tail.size < this.journalOffset) return this.reloadAll();
    const parsed = parseJournal(tail.bytes);
    if (parsed.corrupt) return this.reloadAll();
    try {
      this.seq = applyAfter(this.db, parsed.entries, this.seq, this.paths).seq;
    } catch (error) {
      // A checkpoint rewrote the journal between our reads; start from the new snapshot.
      if (error instanceof JournalGapError) return this.reloadAll();
      throw error;
    }
    this.journalOffset += parsed.consumed;
  }

  // ---- internals ----

  private reading(): MetadataDatabase {
    if (this.closed) throw this.closedError('read');
    return this.db;
  }

  private writing(operation: string): MetadataDatabase {
    if (this.closed) throw this.closedError(operation);
    if (this.readOnly) throw new MetadataStoreReadOnlyError(this.path, operation);
    return this.db;
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw this.closedError(operation);
  }

  private closedError(operation: string): Error {
    return new Error(`Cannot ${operation}: the metadata store ${this.path} is closed. Open it again with openMetadataStore.`);
  }

  /** Journals a mutation that the database has accepted, and schedules checkpoints. */
  private record(op: JournalOp): void {
    this.journal!.append(op);
    this.entriesSinceCheckpoint++;
    if (this.entriesSinceCheckpoint >= this.settings.everyEntries) this.checkpointSoon();
    else if (!this.timer) this.armTimer();
  }

  private armTimer(): void {
    if (this.timer || this.closed || this.settings.intervalMs <= 0) return;
    const delay = Math.max(this.settings.intervalMs, EXPORT_DUTY_FACTOR * (this.lastCheckpoint?.exportMs ?? 0));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.entriesSinceCheckpoint > 0) this.automaticCheckpoint();
    }, delay);
    // A pending checkpoint must not keep a CLI process alive; close() does the final one.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * A checkpoint asked for by a write runs in an event-loop turn of its own: its export blocks,
   * and added to the caller's work (a scheduler pass) it would hold the loop for both.
   */
  private checkpointSoon(): void {
    if (this.checkpointPending) return;
    this.checkpointPending = true;
    setImmediate(() => {
      this.checkpointPending = false;
      if (this.entriesSinceCheckpoint >= this.settings.everyEntries) this.automaticCheckpoint();
    });
  }

  private automaticCheckpoint(): void {
    if (this.checkpointRunning || this.closed) return; // The running one re-checks when it ends.
    this.requestCheckpoint().catch((error: unknown) => {
      this.settings.onWarning(
        `Automatic checkpoint of ${this.path} failed: ${error instanceof Error ? error.message : String(error)} The journal still holds every change; the checkpoint is retried.`,
      );
    });
  }

  /** Runs a checkpoint, or queues one (coalesced) behind the running one. */
  private requestCheckpoint(): Promise<void> {
    if (!this.checkpointRunning) {
      this.checkpointRunning = this.runCheckpoint().finally(() => {
        this.checkpointRunning = undefined;
        this.afterCheckpoint();
      });
      return this.checkpointRunning;
    }
    // Changes made after the running checkpoint's export are not in it: run another one after it.
    this.checkpointQueued ??= this.checkpointRunning
      .catch(() => undefined)
      .then(() => {
        this.checkpointQueued = undefined;
        return this.requestCheckpoint();
      });
    return this.checkpointQueued;
  }

  private async runCheckpoint(): Promise<void> {
    const journal = this.journal!;
    this.clearTimer();
    const started = performance.now();
    // Order matters. 1) Everything so far goes to the journal and the snapshot records the
    // number of its last entry. 2) Export (synchronous, the only part that blocks).
    journal.flush();
    const coveredBytes = journal.size;
    const coveredEntries = this.entriesSinceCheckpoint;
    this.db.setJournalSeq(journal.seq);
    const data = this.db.export();
    const exportMs = performance.now() - started;
    // 3) Temp file, fsync, rename, fsync folder (asynchronous; changes keep arriving meanwhile).
    await writeFileAtomically(this.path, data);
    // 4) Only now drop the journal entries that the durable snapshot holds. A crash between 3 and
    // 4 replays them onto the snapshot, which skips them by number (and they are idempotent).
    journal.dropCovered(coveredBytes);
    this.entriesSinceCheckpoint -= coveredEntries;
    this.lastCheckpoint = { exportMs, totalMs: performance.now() - started, bytes: data.length, entries: coveredEntries };
  }

  private afterCheckpoint(): void {
    if (this.closed || this.entriesSinceCheckpoint === 0) return;
    if (this.entriesSinceCheckpoint >= this.settings.everyEntries) this.automaticCheckpoint();
    else this.armTimer();
  }

  private async shutDown(): Promise<void> {
    this.clearTimer();
    try {
      if (this.journal) {
        await this.checkpointRunning?.catch(() => undefined);
        await this.checkpointQueued?.catch(() => undefined);
        this.journal.flush();
        if (this.entriesSinceCheckpoint > 0 || this.journal.size > 0) await this.requestCheckpoint();
      }
    } finally {
      this.journal?.close();
      this.db.close();
      this.settings.onClose();
    }
  }

  private reloadAll(): void {
    let lastError: unknown;
    for (let attempt = 0; attempt < RELOAD_ATTEMPTS; attempt++) {
      let loaded: LoadedMetadata;
      try {
        loaded = loadMetadataFiles(this.sql, this.paths, (error) => this.settings.onWarning(error.message));
      } catch (error) {
        if (!(error instanceof JournalGapError)) throw error;
        lastError = error;
        continue;
      }
      this.db.close();
      this.db = loaded.db;
      this.seq = loaded.seq;
      this.takeReaderPosition(loaded);
      return;
    }
    throw new Error(
      `Could not reload ${this.path}: the scheduler kept checkpointing while it was read (${lastError instanceof Error ? lastError.message : String(lastError)}). Try again.`,
    );
  }

  private takeReaderPosition(loaded: LoadedMetadata): void {
    this.snapshot = loaded.snapshot;
    this.journalIno = loaded.journal?.ino;
    this.journalOffset = loaded.journal?.consumed ?? 0;
  }
}

function sameFile(a: FileIdentity | undefined, b: FileIdentity | undefined): boolean {
  if (!a || !b) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** The journal's bytes from `offset` on, with the identity of the same open file. */
function readTail(file: string, offset: number): { ino: number; size: number; bytes: Buffer } | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `Could not open the metadata journal ${file}: ${error instanceof Error ? error.message : String(error)}. Check its permissions.`,
      { cause: error },
    );
  }
  try {
    const stat = fstatSync(fd);
    const length = Math.max(0, stat.size - offset);
    const bytes = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, bytes, read, length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    return { ino: stat.ino, size: stat.size, bytes: bytes.subarray(0, read) };
  } finally {
    closeSync(fd);
  }
}
