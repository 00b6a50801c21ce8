/**
 * With steps, a key keeps the sequence of its distinct steps within a window instead of only its
 * last value: a task that goes queued -> running in one scheduler pass delivers both, so the
 * canvas can show the short-lived state (the webview paces them), while repeated values of one
 * step (a running task's rate and lag) still collapse into the last one.
 */
export interface CoalescerSteps<V> {
  /** Whether `next` is the same step as `previous` (then it replaces it). */
  sameStep(previous: V, next: V): boolean;
  /** Most steps kept per key and window; the oldest go first, the last value always stays. */
  maxPerKey: number;
}

/**
 * Holds updates for a short window and delivers, per key, only the last one (or, with `steps`,
 * the last one of each distinct step). The canvas gets one message per window (about one
 * animation frame) however many task state changes the engine makes, and since the latest value
 * of each key is kept, the final state of every task always arrives. Plain Node: no `vscode`, so
 * it is unit-tested on its own.
 */
export class LatestByKeyCoalescer<V> {
  private pending = new Map<string, V[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly deliver: (values: V[]) => void,
    /** 16 ms: one frame at 60 Hz; a webview cannot draw more often than that anyway. */
    private readonly windowMs = 16,
    private readonly steps?: CoalescerSteps<V>,
  ) {}

  /** Replaces any value still pending for `key` (of the same step); the window starts with the first pending value. */
  push(key: string, value: V): void {
    if (this.disposed) return;
    const values = this.pending.get(key) ?? [];
    const last = values.at(-1);
    if (last !== undefined && (!this.steps || this.steps.sameStep(last, value))) values[values.length - 1] = value;
    else values.push(value);
    if (this.steps && values.length > this.steps.maxPerKey) values.splice(0, values.length - this.steps.maxPerKey);
    // Delete first so that the delivery order follows the last change, not the first.
    this.pending.delete(key);
    this.pending.set(key, values);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Delivers what is pending now (before a reset, so nothing of the old window is lost or late). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const values = [...this.pending.values()].flat();
    this.pending = new Map();
    this.deliver(values);
  }

  /** Drops what is pending (the shown run changed: its updates no longer apply). */
  discard(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  /** Values waiting for the end of the window. */
  get pendingCount(): number {
    let count = 0;
    for (const values of this.pending.values()) count += values.length;
    return count;
  }

  dispose(): void {
    this.discard();
    this.disposed = true;
  }
}
