import { failedBeforeStart } from '../executor/failedBeforeStart';
import { formatDuration } from '../executor/formatDuration';
import { TaskLog } from '../executor/TaskLog';
import type { RunningTask, TaskOutcome, TaskRunContext } from '../executor/taskExecution';

interface Stop {
  error: string;
  timedOut: boolean;
}

/** How an in-process operator differs from the default (settle at once on a stop). */
export interface InProcessTaskOptions {
  /**
   * `now` (default): a kill or timeout fails the try at once, without waiting for work that
   * cannot be interrupted (a request already on the wire). `when-work-ends`: the outcome waits
   * for the work, which must stop soon after `signal` aborts and clean up first (the sql operator
   * rolls its transaction back); work that still succeeded keeps its success.
   */
  settle?: 'now' | 'when-work-ends';
  /** Added to the log line that says why the try is being stopped (e.g. "interrupting the SQL"). */
  stopNote?: string;
  /** Runs once when the try is being stopped, e.g. to warn if the work does not stop in time. */
  onStop?: (log: TaskLog, hasEnded: () => boolean) => void;
  /** The operator's own time limit (http's `timeout`), reported with `error` and not as execution_timeout. */
  deadline?: { ms: number; error: string };
  /** Turns an error the work threw into the try's failure message; default: the error's message. */
  describeError?: (error: unknown) => string;
}

/**
 * Runs an operator's async work in the engine's process (network I/O, the SQLite worker; no user
 * code) as a try: opens the try's log, enforces `execution_timeout` (and the operator's own
 * deadline), makes `kill()` abort `signal`, and logs how the try ended. The work is expected to
 * stop at its next await once `signal` aborts and to release what it holds.
 */
export function startInProcessTask(
  context: TaskRunContext,
  source: string,
  work: (log: TaskLog, signal: AbortSignal) => Promise<TaskOutcome>,
  options: InProcessTaskOptions = {},
): RunningTask {
  let log: TaskLog;
  try {
    log = TaskLog.open(context.logFile, source);
  } catch (error) {
    return failedBeforeStart(context, source, error);
  }
  const describeError = options.describeError ?? ((error: unknown) => (error instanceof Error ? error.message : String(error)));
  const controller = new AbortController();
  let stop: Stop | undefined;
  let ended = false;
  let onStop: (stop: Stop) => void = () => undefined;
  const stopped = new Promise<Stop>((resolve) => (onStop = resolve));
  const stopWork = (next: Stop): void => {
    if (stop || ended) return;
    stop = next;
    log.warning(options.stopNote ? `${next.error}; ${options.stopNote}` : next.error);
    controller.abort();
    options.onStop?.(log, () => ended);
    onStop(next);
  };
  const timers: NodeJS.Timeout[] = [];
  if (options.deadline) {
    const { ms, error } = options.deadline;
    timers.push(setTimeout(() => stopWork({ error, timedOut: false }), ms));
  }
  if (context.executionTimeoutMs !== undefined) {
    const limit = context.executionTimeoutMs;
    timers.push(
      setTimeout(() => stopWork({ error: `Timed out after ${formatDuration(limit)} (execution_timeout)`, timedOut: true }), limit),
    );
  }

  const outcome = (async (): Promise<TaskOutcome> => {
    const running = work(log, controller.signal)
      .catch((error: unknown): TaskOutcome => ({ state: 'failed', error: describeError(error) }))
      .finally(() => (ended = true));
    const first = options.settle === 'when-work-ends' ? await running : await Promise.race([running, stopped]);
    ended = true;
    for (const timer of timers) clearTimeout(timer);
    const stoppedBy = stop;
    const result: TaskOutcome =
      stoppedBy && (!('state' in first) || first.state !== 'success')
        ? { state: 'failed', error: stoppedBy.error, ...(stoppedBy.timedOut ? { timedOut: true } : {}) }
        : (first as TaskOutcome);
    if (result.state === 'success') log.info(result.message ? `Task succeeded: ${result.message}` : 'Task succeeded');
    else if (result.state === 'skipped') log.info(`Task skipped${result.message ? `: ${result.message}` : ''}`);
    else if (result.state === 'up_for_reschedule')
      log.info(
        `Rescheduled: the next check is at ${result.rescheduleAt ?? 'once a slot is free'}${result.message ? ` (${result.message})` : ''}`,
      );
    else log.error(`Task failed: ${result.error ?? ''}`);
    await log.close();
    return result;
  })();

  return {
    pid: undefined,
    processToken: undefined,
    outcome,
    kill: (reason: string) => stopWork({ error: reason, timedOut: false }),
  };
}
