import type { SqliteDatabaseError } from './SqliteDatabaseError';
import type { CheckpointPolicy, CheckpointReason, CheckpointStats } from './sqliteTypes';

/** How a save ended. Never a rejection: background saves have no one to reject to. */
export type SaveOutcome = { ok: true; stats: CheckpointStats | undefined } | { ok: false; error: SqliteDatabaseError };

export interface CheckpointSchedulerHost {
  /**
   * Exports and writes a snapshot. Must call `captured()` synchronously right after the export
   * (what the snapshot holds) and `saved(seq)` once it is on disk.
   */
  snapshot(reason: CheckpointReason, overwrite: boolean): Promise<SaveOutcome>;
  /** Rows changed since the last snapshot. */
  changedRows(): number;
  /** A save that no caller waits for failed (timer or row count): tell the user. */
  onBackgroundFailure(error: SqliteDatabaseError): void;
}

/**
 * Decides when the database is saved, from the policies of the writes not saved yet. Each write
 * brings its own policy (the write path knows what it needs): the earliest timer and the
 * smallest row count among the unsaved writes win, and one of them saying "after transaction"
 * saves right away. Saves never overlap: a request made while one is writing starts one more
 * save after it, shared by every request made meanwhile.
 */
export class CheckpointScheduler {
  private writeSeq = 0;
  private savedSeq = 0;
  private closeNeeded = false;
  private rowsThreshold: number | undefined;
  private intervalMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private running: Promise<SaveOutcome> | undefined;
  private queued: Promise<SaveOutcome> | undefined;

  constructor(private readonly host: CheckpointSchedulerHost) {}

  /** True while some write is in memory only. */
  get unsaved(): boolean {
    return this.writeSeq !== this.savedSeq;
  }

  /** True when an unsaved write asked to be saved on close (the default). */
  get saveOnClose(): boolean {
    return this.unsaved && this.closeNeeded;
  }

  /** Records a committed write; returns the save to wait for when its policy says afterTransaction. */
  noteWrite(policy: CheckpointPolicy): Promise<SaveOutcome> | undefined {
    this.writeSeq++;
    if (policy.onClose !== false) this.closeNeeded = true;
    if (policy.everyChangedRows !== undefined)
      this.rowsThreshold = Math.min(this.rowsThreshold ?? Infinity, Math.max(1, policy.everyChangedRows));
    if (policy.everyMs !== undefined) {
      this.intervalMs = Math.min(this.intervalMs ?? Infinity, Math.max(0, policy.everyMs));
      this.arm(this.intervalMs);
    }
    if (policy.afterTransaction) return this.request('afterTransaction');
    if (this.rowsThreshold !== undefined && this.host.changedRows() >= this.rowsThreshold) void this.background('everyChangedRows');
    return undefined;
  }

  request(reason: CheckpointReason, overwrite = false): Promise<SaveOutcome> {
    if (!this.running) return this.start(reason, overwrite);
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.start(reason, overwrite);
    });
    return this.queued;
  }

  /** The write sequence a snapshot holds; call right after exporting. */
  captured(): number {
    return this.writeSeq;
  }

  /** The snapshot holding writes up to `seq` is on disk. */
  saved(seq: number): void {
    this.savedSeq = seq;
    if (seq !== this.writeSeq) return;
    this.closeNeeded = false;
    this.rowsThreshold = undefined;
    this.intervalMs = undefined;
    this.disarm();
  }

  /** Forget the unsaved writes (reload from disk, close without saving). */
  discard(): void {
    this.saved(this.writeSeq);
  }

  /** Resolves when no save is running or queued. */
  async settle(): Promise<void> {
    while (this.running || this.queued) await (this.queued ?? this.running);
  }

  dispose(): void {
    this.disarm();
  }

  private start(reason: CheckpointReason, overwrite: boolean): Promise<SaveOutcome> {
    const running = this.host.snapshot(reason, overwrite).then((outcome) => {
      this.running = undefined;
      // Retry a failed save on the writes' own interval (disk full is often fixed by the user).
      if (!outcome.ok && this.unsaved && this.intervalMs !== undefined) this.arm(this.intervalMs);
      return outcome;
    });
    this.running = running;
    return running;
  }

  private async background(reason: CheckpointReason): Promise<void> {
    const outcome = await this.request(reason);
    if (!outcome.ok) this.host.onBackgroundFailure(outcome.error);
  }

  private arm(ms: number): void {
    const due = Date.now() + ms;
    if (this.timer && this.timerDue <= due) return;
    this.disarm();
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.unsaved) void this.background('everyMs');
    }, ms);
    // The owner decides when the process may exit (it saves on close); a pending save must not keep it alive.
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
