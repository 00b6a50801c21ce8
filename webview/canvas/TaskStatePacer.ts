import type { TaskRunStateDto } from '../../src/protocol/canvasRunProtocol';

export interface TaskStatePacerOptions {
  /** How long a drawn state stays at least before the next state of that task replaces it. */
  minShowMs: number;
  /** States a task may have waiting; past that the oldest waiting ones are skipped (never the last). */
  maxWaiting: number;
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

export const DEFAULT_PACER_OPTIONS: TaskStatePacerOptions = {
  // Long enough to see a state go by (about ten frames), short enough that a run never looks late.
  minShowMs: 150,
  maxWaiting: 3,
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

interface TaskPace {
  state: TaskRunStateDto['state'];
  tryNumber: number;
  shownAt: number;
  waiting: TaskRunStateDto[];
}

/**
 * Paces the task states the host sends so that each one is drawn for a moment: the scheduler moves
 * a task queued -> running in one pass and a short task ends a few milliseconds later, which would
 * otherwise be a single frame of queued (or none). A state is drawn at once when the task's
 * previous state has been on screen for `minShowMs`; otherwise it waits its turn. Updates within
 * the drawn state (a running task's rate and lag) are drawn at once. A task whose states arrive
 * faster than they can be shown skips the oldest waiting ones, and its last state is always drawn,
 * at most `minShowMs * maxWaiting` late.
 */
export class TaskStatePacer {
  private readonly paces = new Map<string, TaskPace>();
  /** Tasks with states waiting. */
  private readonly behind = new Set<string>();
  private timer: unknown;
  private timerDue = Number.POSITIVE_INFINITY;
  private readonly options: TaskStatePacerOptions;

  constructor(
    /** Receives the states to draw now, in order (a task may appear once per call at most). */
    private readonly draw: (states: TaskRunStateDto[], reset: boolean) => void,
    options: Partial<TaskStatePacerOptions> = {},
  ) {
    this.options = { ...DEFAULT_PACER_OPTIONS, ...options };
  }

  /** States as the host sent them (in order; a task may come more than once). */
  push(states: readonly TaskRunStateDto[]): void {
    const now = this.options.now();
    const drawNow = new Map<string, TaskRunStateDto>();
    for (const state of states) {
      const pace = this.paces.get(state.taskId);
      if (!pace) {
        this.paces.set(state.taskId, { state: state.state, tryNumber: state.tryNumber, shownAt: now, waiting: [] });
        drawNow.set(state.taskId, state);
        continue;
      }
      const last = pace.waiting.at(-1);
      if (last && sameStep(last, state)) {
        pace.waiting[pace.waiting.length - 1] = state;
      } else if (pace.waiting.length === 0 && (sameStep(pace, state) || now - pace.shownAt >= this.options.minShowMs)) {
        if (!sameStep(pace, state)) pace.shownAt = now;
        pace.state = state.state;
        pace.tryNumber = state.tryNumber;
        drawNow.set(state.taskId, state);
      } else {
        pace.waiting.push(state);
        if (pace.waiting.length > this.options.maxWaiting) pace.waiting.splice(0, pace.waiting.length - this.options.maxWaiting);
        this.behind.add(state.taskId);
      }
    }
    if (drawNow.size > 0) this.draw([...drawNow.values()], false);
    this.schedule();
  }

  /** A new picture (another run shown): drawn at once, nothing waiting survives. */
  reset(states: readonly TaskRunStateDto[]): void {
    const now = this.options.now();
    this.paces.clear();
    this.behind.clear();
    this.cancelTimer();
    for (const state of states) this.paces.set(state.taskId, { state: state.state, tryNumber: state.tryNumber, shownAt: now, waiting: [] });
    this.draw([...states], true);
  }

  /** States not yet drawn. */
  get waitingCount(): number {
    let count = 0;
    for (const taskId of this.behind) count += this.paces.get(taskId)?.waiting.length ?? 0;
    return count;
  }

  dispose(): void {
    this.cancelTimer();
    this.paces.clear();
    this.behind.clear();
  }

  private tick(): void {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    const now = this.options.now();
    const drawNow: TaskRunStateDto[] = [];
    for (const taskId of this.behind) {
      const pace = this.paces.get(taskId);
      const next = pace?.waiting[0];
      if (!pace || !next) {
        this.behind.delete(taskId);
        continue;
      }
      if (now - pace.shownAt < this.options.minShowMs) continue;
      pace.waiting.shift();
      pace.state = next.state;
      pace.tryNumber = next.tryNumber;
      pace.shownAt = now;
      drawNow.push(next);
      if (pace.waiting.length === 0) this.behind.delete(taskId);
    }
    if (drawNow.length > 0) this.draw(drawNow, false);
    this.schedule();
  }

  /** One timer for the earliest task whose next state is due. */
  private schedule(): void {
    let due = Number.POSITIVE_INFINITY;
    for (const taskId of this.behind) {
      const pace = this.paces.get(taskId);
      if (pace) due = Math.min(due, pace.shownAt + this.options.minShowMs);
    }
    if (due === Number.POSITIVE_INFINITY || due >= this.timerDue) return;
    this.cancelTimer();
    this.timerDue = due;
    this.timer = this.options.setTimer(() => this.tick(), Math.max(0, due - this.options.now()));
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.options.clearTimer(this.timer);
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
  }
}

function sameStep(a: Pick<TaskRunStateDto, 'state' | 'tryNumber'>, b: Pick<TaskRunStateDto, 'state' | 'tryNumber'>): boolean {
  return a.state === b.state && a.tryNumber === b.tryNumber;
}
