/**
 * Holds updates for a short window and delivers, per key, only the last one. The canvas gets one
 * message per window (about one animation frame) however many task state changes the engine
 * makes, and since the latest value of each key is kept, the final state of every task always
 * arrives. Plain Node: no `vscode`, so it is unit-tested on its own.
 */
export class LatestByKeyCoalescer<V> {
  private pending = new Map<string, V>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly deliver: (values: V[]) => void,
    /** 16 ms: one frame at 60 Hz; a webview cannot draw more often than that anyway. */
    private readonly windowMs = 16,
  ) {}

  /** Replaces any value still pending for `key`; the window starts with the first pending value. */
  push(key: string, value: V): void {
    if (this.disposed) return;
    // Delete first so that the delivery order follows the last change, not the first.
    this.pending.delete(key);
    this.pending.set(key, value);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Delivers what is pending now (before a reset, so nothing of the old window is lost or late). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const values = [...this.pending.values()];
    this.pending = new Map();
    this.deliver(values);
  }

  /** Drops what is pending (the shown run changed: its updates no longer apply). */
  discard(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  dispose(): void {
    this.discard();
    this.disposed = true;
  }
}
