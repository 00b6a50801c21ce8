import { formatDuration } from '../executor/formatDuration';
import type { TaskLog } from '../executor/TaskLog';
import type { TaskOutcome, TaskRunContext } from '../executor/taskExecution';
import type { SensorArguments } from './sensorArguments';

/** One check of a sensor's condition. */
export interface PokeResult {
  readonly met: boolean;
  /** What was seen, for the log and the canvas ("3 new message(s) on orders, 1 needed"). */
  readonly note: string;
  /** The XCom when the condition is met. */
  readonly xcom?: unknown;
}

/** Longest wait between two checks with exponential_backoff (Airflow caps it at the timeout). */
const MAX_BACKOFF_MS = 24 * 3_600_000;

/**
 * Airflow's BaseSensorOperator.execute: checks until the condition is met (success), or until
 * `timeout` has passed since the first check (failed without retries, as AirflowSensorTimeout,
 * or skipped with soft_fail). In `poke` mode it waits in the task, holding its slot; in
 * `reschedule` mode it returns `up_for_reschedule` and the scheduler starts it again at the
 * next check, the slot free meanwhile.
 */
export async function runSensor(
  poke: () => Promise<PokeResult>,
  sensor: SensorArguments,
  context: Pick<TaskRunContext, 'rescheduledSince' | 'reportProgress'>,
  log: TaskLog,
  signal: AbortSignal,
): Promise<TaskOutcome> {
  const firstCheck = context.rescheduledSince ? Date.parse(context.rescheduledSince) : Date.now();
  // Checks already made, for the backoff: counted, or in reschedule mode worked out from the elapsed time.
  let checks = sensor.exponentialBackoff && context.rescheduledSince ? checksSoFar(Date.now() - firstCheck, sensor.pokeIntervalMs) : 0;
  for (;;) {
    const result = await poke();
    if (signal.aborted) return { state: 'failed', error: 'stopped' };
    context.reportProgress?.({ note: result.note });
    if (result.met) {
      log.info(`Condition met: ${result.note}`);
      return { state: 'success', message: result.note, ...(result.xcom === undefined ? {} : { xcom: result.xcom }) };
    }
    const elapsed = Date.now() - firstCheck;
    if (elapsed >= sensor.timeoutMs) {
      const error = `Sensor timed out after ${formatDuration(elapsed)} (timeout ${formatDuration(sensor.timeoutMs)}): ${result.note}`;
      if (sensor.softFail) return { state: 'skipped', message: `${error} (soft_fail)` };
      return { state: 'failed', error, noRetry: true };
    }
    const interval = sensor.exponentialBackoff
      ? Math.min(sensor.pokeIntervalMs * 2 ** checks, MAX_BACKOFF_MS, sensor.timeoutMs)
      : sensor.pokeIntervalMs;
    checks++;
    // Never wait past the timeout: the last check is made when it expires.
    const wait = Math.max(0, Math.min(interval, sensor.timeoutMs - elapsed));
    if (sensor.mode === 'reschedule') {
      return { state: 'up_for_reschedule', rescheduleAt: new Date(Date.now() + wait).toISOString(), message: result.note };
    }
    log.info(`Not yet: ${result.note}; next check in ${formatDuration(wait)}`);
    await sleep(wait, signal);
    if (signal.aborted) return { state: 'failed', error: 'stopped' };
  }
}

/** With intervals p, 2p, 4p...: how many checks fit in `elapsed`. */
function checksSoFar(elapsed: number, pokeIntervalMs: number): number {
  if (pokeIntervalMs <= 0) return 0;
  return Math.max(0, Math.floor(Math.log2(elapsed / pokeIntervalMs + 1)));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
