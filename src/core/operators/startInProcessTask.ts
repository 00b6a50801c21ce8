import { failedBeforeStart } from '../executor/failedBeforeStart';
import { formatDuration } from '../executor/formatDuration';
import { TaskLog } from '../executor/TaskLog';
import type { RunningTask, TaskOutcome, TaskRunContext } from '../executor/taskExecution';

interface Stop {
  error: string;
  timedOut: boolean;
}

/**
 * Runs an operator's async work in the engine's process (network I/O, no user code) as a try:
 * opens the try's log, enforces `execution_timeout`, and makes `kill()` prompt. On a kill or a
 * timeout `signal` aborts and the outcome settles at once as failed, without waiting for work
 * that cannot be interrupted (a request already on the wire); the work is expected to stop at
 * its next await and release what it holds.
 */
export function startInProcessTask(
  context: TaskRunContext,
  source: string,
  work: (log: TaskLog, signal: AbortSignal) => Promise<TaskOutcome>,
): RunningTask {
  let log: TaskLog;
  try {
    log = TaskLog.open(context.logFile, source);
  } catch (error) {
    return failedBeforeStart(context, source, error);
  }
  const controller = new AbortController();
  let stop: Stop | undefined;
  let finished = false;
  let onStop: (stop: Stop) => void = () => undefined;
  const stopped = new Promise<Stop>((resolve) => (onStop = resolve));
  const stopWork = (next: Stop): void => {
    if (stop || finished) return;
    stop = next;
    log.warning(next.error);
    controller.abort();
    onStop(next);
  };
  const timer =
    context.executionTimeoutMs === undefined
      ? undefined
      : setTimeout(
          () => stopWork({ error: `Timed out after ${formatDuration(context.executionTimeoutMs!)} (execution_timeout)`, timedOut: true }),
          context.executionTimeoutMs,
        );

  const outcome = (async (): Promise<TaskOutcome> => {
    const running = work(log, controller.signal).catch((error: unknown): TaskOutcome => ({
      state: 'failed',
      error: error instanceof Error ? error.message : String(error),
    }));
    const first = await Promise.race([running, stopped]);
    finished = true;
    clearTimeout(timer);
    const result: TaskOutcome =
      'state' in first ? first : { state: 'failed', error: first.error, ...(first.timedOut ? { timedOut: true } : {}) };
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
