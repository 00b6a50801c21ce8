import { afterAll, describe, expect, it } from 'vitest';
import { createTestRunContext, removeTestWorkspaces } from '../executor/createTestRunContext';
import { TaskLog } from '../executor/TaskLog';
import { runSensor, type PokeResult } from './runSensor';
import type { SensorArguments } from './sensorArguments';

afterAll(removeTestWorkspaces);

const base: SensorArguments = { pokeIntervalMs: 20, timeoutMs: 5000, mode: 'poke', softFail: false, exponentialBackoff: false };

function pokes(results: boolean[]): { poke: () => Promise<PokeResult>; count: () => number } {
  let n = 0;
  return {
    poke: () => Promise.resolve({ met: results[n++] ?? false, note: `check ${n}`, xcom: n }),
    count: () => n,
  };
}

async function sense(results: boolean[], sensor: Partial<SensorArguments>, rescheduledSince?: string) {
  const context = createTestRunContext();
  const log = TaskLog.open(context.logFile, 'test');
  const p = pokes(results);
  const outcome = await runSensor(
    p.poke,
    { ...base, ...sensor },
    rescheduledSince ? { rescheduledSince } : {},
    log,
    new AbortController().signal,
  );
  await log.close();
  return { outcome, checks: p.count() };
}

describe('runSensor', () => {
  it('in poke mode checks until the condition is met, in the task', async () => {
    const { outcome, checks } = await sense([false, false, true], {});
    expect(outcome).toEqual({ state: 'success', message: 'check 3', xcom: 3 });
    expect(checks).toBe(3);
  });

  it('in reschedule mode returns up_for_reschedule after one unmet check, with the next check time', async () => {
    const before = Date.now();
    const { outcome, checks } = await sense([false], { mode: 'reschedule', pokeIntervalMs: 30_000, timeoutMs: 60_000 });
    expect(checks).toBe(1);
    expect(outcome.state).toBe('up_for_reschedule');
    const at = Date.parse(outcome.rescheduleAt!);
    expect(at - before).toBeGreaterThanOrEqual(30_000);
    expect(at - before).toBeLessThan(31_000);
  });

  it('times out from the first check of a rescheduled try: failed without retries, or skipped with soft_fail', async () => {
    const since = new Date(Date.now() - 10_000).toISOString();
    const failed = await sense([false], { mode: 'reschedule', timeoutMs: 5000 }, since);
    expect(failed.outcome).toMatchObject({ state: 'failed', noRetry: true });
    expect(failed.outcome.error).toMatch(/^Sensor timed out after 10(\.\d+)?s \(timeout 5s\): check 1/);
    const skipped = await sense([false], { mode: 'reschedule', timeoutMs: 5000, softFail: true }, since);
    expect(skipped.outcome.state).toBe('skipped');
  });

  it('never sleeps past the timeout, and backs off exponentially when asked', async () => {
    const near = new Date(Date.now() - 4_900).toISOString();
    const { outcome } = await sense([false], { mode: 'reschedule', pokeIntervalMs: 60_000, timeoutMs: 5000 }, near);
    expect(Date.parse(outcome.rescheduleAt!) - Date.now()).toBeLessThanOrEqual(100);
    // Third check of a backoff from 1 s: 1 s + 2 s have passed, the next wait is 4 s.
    const third = new Date(Date.now() - 3_100).toISOString();
    const backoff = await sense([false], { mode: 'reschedule', pokeIntervalMs: 1000, exponentialBackoff: true, timeoutMs: 60_000 }, third);
    const wait = Date.parse(backoff.outcome.rescheduleAt!) - Date.now();
    expect(wait).toBeGreaterThan(3_900);
    expect(wait).toBeLessThanOrEqual(4_000);
  });
});
