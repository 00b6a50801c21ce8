import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DagFile, TaskSpec } from '../dag/dagFile';
import type { RunningTask, TaskOutcome, TaskRunContext } from '../executor/taskExecution';
import type { MetadataStore } from '../store/MetadataStore';
import { openMetadataStore } from '../store/openMetadataStore';
import { compileDag } from './compileDag';
import { DagScheduler, type DagSchedulerOptions } from './DagScheduler';

/**
 * The scheduler against the real metadata store and a fake operator whose behaviour is written
 * in the task itself: `do: "ok" | "fail" | "skip" | "hang"`, `ms` to take that long, `xcom`.
 */
interface FakeTask extends TaskSpec {
  do?: 'ok' | 'fail' | 'skip' | 'hang' | 'reschedule';
  /** With `reschedule`: checks that find the condition unmet before one succeeds, and the wait between them. */
  pokes?: number;
  poke_ms?: number;
  ms?: number;
  xcom?: unknown;
}

const started: { taskId: string; tryNumber: number; at: number; context: TaskRunContext }[] = [];
const live = new Set<string>();
const pokes = new Map<string, number>();
let maxConcurrent = 0;

function fakeStartTask(spec: TaskSpec, context: TaskRunContext): RunningTask {
  const task = spec as FakeTask;
  started.push({ taskId: spec.task_id, tryNumber: context.tryNumber, at: Date.now(), context });
  live.add(spec.task_id);
  maxConcurrent = Math.max(maxConcurrent, live.size);
  let settle!: (outcome: TaskOutcome) => void;
  const outcome = new Promise<TaskOutcome>((resolve) => (settle = resolve));
  const finish = (o: TaskOutcome) => {
    live.delete(spec.task_id);
    settle(o);
  };
  const behaviour = task.do ?? 'ok';
  const timer =
    behaviour === 'hang'
      ? undefined
      : setTimeout(() => {
          if (behaviour === 'reschedule') {
            const done = (pokes.get(context.runId + spec.task_id) ?? 0) + 1;
            pokes.set(context.runId + spec.task_id, done);
            if (done <= (task.pokes ?? 1)) {
              finish({ state: 'up_for_reschedule', rescheduleAt: new Date(Date.now() + (task.poke_ms ?? 20)).toISOString() });
            } else finish({ state: 'success', xcom: done });
          } else if (behaviour === 'ok') finish({ state: 'success', ...(task.xcom === undefined ? {} : { xcom: task.xcom }) });
          else if (behaviour === 'skip') finish({ state: 'skipped' });
          else finish({ state: 'failed', error: `${spec.task_id} failed on purpose`, exitCode: 1 });
        }, task.ms ?? 1);
  return {
    pid: undefined,
    processToken: undefined,
    outcome,
    kill: (reason) => {
      if (timer) clearTimeout(timer);
      finish({ state: 'failed', error: reason });
    },
  };
}

const stores: MetadataStore[] = [];
const schedulers: DagScheduler[] = [];

async function setup(dag: Partial<DagFile> & { tasks: FakeTask[] }, options: Partial<DagSchedulerOptions> = {}) {
  const workspaceDir = await mkdtemp(path.join(tmpdir(), 'dagstream-scheduler-'));
  const store = await openMetadataStore({ workspaceDir });
  stores.push(store);
  const file: DagFile = { version: 1, dag_id: 'd', schedule: null, ...dag };
  const scheduler = new DagScheduler({ store, workspaceDir, startTask: fakeStartTask, ...options });
  scheduler.addDag(compileDag(file), 'd.dag.json');
  await scheduler.start();
  schedulers.push(scheduler);
  return { scheduler, store, workspaceDir };
}

async function runOnce(dag: Partial<DagFile> & { tasks: FakeTask[] }, options: Partial<DagSchedulerOptions> = {}) {
  const env = await setup(dag, options);
  const run = env.scheduler.triggerRun('d', {});
  const finished = await env.scheduler.waitForRun('d', run.runId);
  const states = Object.fromEntries(env.store.listTaskInstances('d', run.runId).map((ti) => [ti.taskId, ti.state]));
  return { ...env, run: finished, states };
}

afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop(0)));
  started.length = 0;
  live.clear();
  pokes.clear();
  maxConcurrent = 0;
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('DagScheduler', () => {
  it('runs a chain in order and passes return values downstream', async () => {
    const { run, states, store } = await runOnce({
      tasks: [
        { task_id: 'extract', operator: 'empty', xcom: { rows: 3 } },
        { task_id: 'load', operator: 'empty', upstream: ['extract'] },
      ],
    });
    expect(run.state).toBe('success');
    expect(states).toEqual({ extract: 'success', load: 'success' });
    expect(started.map((s) => s.taskId)).toEqual(['extract', 'load']);
    expect(started[1]!.context.template.ti.xcom_pull('extract')).toEqual({ rows: 3 });
    expect(store.getXCom('d', run.runId, 'extract')?.value).toEqual({ rows: 3 });
  });

  it('propagates a failure as upstream_failed and fails the run', async () => {
    const { run, states } = await runOnce({
      tasks: [
        { task_id: 'a', operator: 'empty', do: 'fail' },
        { task_id: 'b', operator: 'empty', upstream: ['a'] },
        { task_id: 'c', operator: 'empty', upstream: ['b'] },
        { task_id: 'cleanup', operator: 'empty', upstream: ['b'], trigger_rule: 'all_done' },
      ],
    });
    // The run fails because leaf c is upstream_failed, even though the all_done leaf succeeded.
    expect(states).toEqual({ a: 'failed', b: 'upstream_failed', c: 'upstream_failed', cleanup: 'success' });
    expect(run.state).toBe('failed');
  });

  it('propagates skips, and none_failed_min_one_success joins a skipped branch', async () => {
    const { run, states } = await runOnce({
      tasks: [
        { task_id: 'branch_a', operator: 'empty', do: 'skip' },
        { task_id: 'after_a', operator: 'empty', upstream: ['branch_a'] },
        { task_id: 'branch_b', operator: 'empty' },
        { task_id: 'join', operator: 'empty', upstream: ['after_a', 'branch_b'], trigger_rule: 'none_failed_min_one_success' },
      ],
    });
    expect(states).toEqual({ branch_a: 'skipped', after_a: 'skipped', branch_b: 'success', join: 'success' });
    expect(run.state).toBe('success');
  });

  it('retries a failing task after retry_delay and records every try', async () => {
    const { states, store, run } = await runOnce({
      tasks: [{ task_id: 'flaky', operator: 'empty', do: 'fail', retries: 2, retry_delay: 0.05 }],
    });
    expect(states.flaky).toBe('failed');
    const tries = store.listTries('d', run.runId, 'flaky');
    expect(tries.map((t) => [t.tryNumber, t.state])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
    ]);
    const starts = started.map((s) => s.at);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(45);
    expect(store.getTaskInstance('d', run.runId, 'flaky')?.tryNumber).toBe(3);
  });

  it('keeps a pool to its slots', async () => {
    const { store, scheduler } = await setup({
      tasks: ['a', 'b', 'c', 'd'].map((id) => ({ task_id: id, operator: 'empty', pool: 'narrow', ms: 30 })),
    });
    store.upsertPool({ name: 'narrow', slots: 1 });
    const run = scheduler.triggerRun('d', {});
    expect((await scheduler.waitForRun('d', run.runId)).state).toBe('success');
    expect(maxConcurrent).toBe(1);
  });

  it('honours max_active_tasks and starts higher priority_weight first', async () => {
    const { run } = await runOnce({
      max_active_tasks: 1,
      tasks: [
        { task_id: 'low', operator: 'empty', priority_weight: 1, ms: 5 },
        { task_id: 'high', operator: 'empty', priority_weight: 10, ms: 5 },
        { task_id: 'mid', operator: 'empty', priority_weight: 5, ms: 5 },
      ],
    });
    expect(run.state).toBe('success');
    expect(maxConcurrent).toBe(1);
    expect(started.map((s) => s.taskId)).toEqual(['high', 'mid', 'low']);
  });

  it('counts downstream weights into priority (Airflow weight_rule=downstream)', async () => {
    const { run } = await runOnce(
      {
        tasks: [
          { task_id: 'lonely', operator: 'empty', ms: 5 },
          { task_id: 'head', operator: 'empty', ms: 5 },
          { task_id: 'tail1', operator: 'empty', upstream: ['head'] },
          { task_id: 'tail2', operator: 'empty', upstream: ['tail1'] },
        ],
      },
      { parallelism: 1 },
    );
    expect(run.state).toBe('success');
    expect(started[0]!.taskId).toBe('head');
  });

  it('cancels a run: the running task is killed, pending tasks are skipped, the run fails', async () => {
    const { scheduler, store } = await setup({
      tasks: [
        { task_id: 'slow', operator: 'empty', do: 'hang' },
        { task_id: 'next', operator: 'empty', upstream: ['slow'] },
      ],
    });
    const run = scheduler.triggerRun('d', {});
    await new Promise((r) => setTimeout(r, 30));
    expect(store.getTaskInstance('d', run.runId, 'slow')?.state).toBe('running');
    scheduler.cancelRun('d', run.runId);
    const finished = await scheduler.waitForRun('d', run.runId);
    expect(finished.state).toBe('failed');
    expect(store.getTaskInstance('d', run.runId, 'slow')?.state).toBe('failed');
    expect(store.getTaskInstance('d', run.runId, 'next')?.state).toBe('skipped');
  });

  it('clears a finished task and its downstream so that they run again', async () => {
    const { scheduler, store, run } = await runOnce({
      tasks: [
        { task_id: 'a', operator: 'empty' },
        { task_id: 'b', operator: 'empty', upstream: ['a'] },
      ],
    });
    scheduler.clearTask('d', run.runId, 'a', { downstream: true });
    const again = await scheduler.waitForRun('d', run.runId);
    expect(again.state).toBe('success');
    expect(store.getTaskInstance('d', run.runId, 'a')?.tryNumber).toBe(2);
    expect(store.getTaskInstance('d', run.runId, 'b')?.tryNumber).toBe(2);
  });

  it('a sensor in reschedule mode gives back its slot between checks and runs again as the same try', async () => {
    const { scheduler, store } = await setup({
      tasks: [
        { task_id: 'sensor', operator: 'empty', do: 'reschedule', pokes: 3, poke_ms: 120, pool: 'narrow', ms: 5 },
        ...['a', 'b', 'c'].map((id) => ({ task_id: id, operator: 'empty', pool: 'narrow', ms: 40 })),
      ],
    });
    store.upsertPool({ name: 'narrow', slots: 1 });
    const states: string[] = [];
    scheduler.on('taskStateChanged', (event) => {
      if (event.taskId === 'sensor') states.push(event.state);
    });
    const run = scheduler.triggerRun('d', {});
    await new Promise((r) => setTimeout(r, 60));
    expect(scheduler.explain('d', run.runId, 'sensor').join('\n')).toMatch(
      /has not met its condition yet; it checks again at .* and holds no slot/,
    );
    expect((await scheduler.waitForRun('d', run.runId)).state).toBe('success');

    // The pool's one slot served a, b and c while the sensor waited: they all started before its last check.
    const sensorStarts = started.filter((s) => s.taskId === 'sensor');
    expect(sensorStarts).toHaveLength(4);
    const workerStarts = started.filter((s) => s.taskId !== 'sensor').map((s) => s.at);
    expect(Math.max(...workerStarts)).toBeLessThan(sensorStarts[3]!.at);
    expect(maxConcurrent).toBe(1);

    // One try across the checks; the later checks know when the first one started.
    expect(sensorStarts.map((s) => s.tryNumber)).toEqual([1, 1, 1, 1]);
    expect(sensorStarts[0]!.context.rescheduledSince).toBeUndefined();
    const first = store.listTries('d', run.runId, 'sensor')[0]!;
    for (const later of sensorStarts.slice(1)) expect(later.context.rescheduledSince).toBe(first.startDate);
    expect(store.listTries('d', run.runId, 'sensor').map((t) => [t.tryNumber, t.state])).toEqual([[1, 'success']]);
    expect(states.filter((s) => s === 'up_for_reschedule')).toHaveLength(3);
    expect(store.getTaskInstance('d', run.runId, 'sensor')).toMatchObject({ state: 'success', tryNumber: 1 });
  });

  it('explains why a task waits', async () => {
    const { scheduler } = await setup({
      tasks: [
        { task_id: 'slow', operator: 'empty', do: 'hang' },
        { task_id: 'next', operator: 'empty', upstream: ['slow'] },
      ],
    });
    const run = scheduler.triggerRun('d', {});
    await new Promise((r) => setTimeout(r, 30));
    expect(scheduler.explain('d', run.runId, 'next').join('\n')).toMatch(/slow \(running\)/);
    expect(scheduler.explain('d', run.runId, 'slow').join('\n')).toMatch(/running \(try 1 of 1/);
    scheduler.cancelRun('d', run.runId);
    await scheduler.waitForRun('d', run.runId);
  });

  it('recovers a task left running by a dead scheduler: retried when it has retries, else failed', async () => {
    const workspaceDir = await mkdtemp(path.join(tmpdir(), 'dagstream-recover-'));
    const dag = compileDag({
      version: 1,
      dag_id: 'd',
      schedule: null,
      tasks: [
        { task_id: 'with_retry', operator: 'empty', retries: 1, retry_delay: 0 },
        { task_id: 'no_retry', operator: 'empty' },
      ],
    });
    const first = await openMetadataStore({ workspaceDir });
    const crashed = new DagScheduler({
      store: first,
      workspaceDir,
      startTask: (spec, context) => ({ ...fakeStartTask({ ...spec, do: 'hang' } as FakeTask, context), pid: 999_999 }),
    });
    crashed.addDag(dag, 'd.dag.json');
    await crashed.start();
    const run = crashed.triggerRun('d', {});
    await new Promise((r) => setTimeout(r, 30));
    // The scheduler "dies": it never records the tries' ends. (A store is single-writer per
    // process, so close it; the metadata still says running. The CLI test kills a real process.)
    await first.close();
    const second = await openMetadataStore({ workspaceDir });
    stores.push(second);
    const killed: number[] = [];
    const recovered = new DagScheduler({
      store: second,
      workspaceDir,
      startTask: fakeStartTask,
      reaper: { reap: async (pid) => void killed.push(pid) },
    });
    recovered.addDag(dag, 'd.dag.json');
    await recovered.start();
    const finished = await recovered.waitForRun('d', run.runId);
    expect(killed).toEqual([999_999, 999_999]);
    expect(second.getTaskInstance('d', run.runId, 'with_retry')).toMatchObject({ state: 'success', tryNumber: 2 });
    expect(second.getTaskInstance('d', run.runId, 'no_retry')).toMatchObject({ state: 'failed', tryNumber: 1 });
    expect(finished.state).toBe('failed');
  });

  it('starts a scheduled DAG paused; unpaused with catchup it creates every missed interval, oldest first', async () => {
    const now = new Date('2026-11-25T10:00:00Z');
    const { scheduler, store } = await setup(
      { schedule: '@daily', start_date: '2026-11-22', catchup: true, max_active_runs: 16, tasks: [{ task_id: 'a', operator: 'empty' }] },
      { now: () => now },
    );
    expect(scheduler.isPaused('d')).toBe(true);
    expect(scheduler.createDueRuns()).toEqual([]);
    scheduler.setPaused('d', false);
    const runs = scheduler.createDueRuns();
    expect(runs.map((r) => [r.runId, r.dataIntervalStart, r.dataIntervalEnd])).toEqual([
      ['scheduled__2026-11-22T00:00:00+00:00', '2026-11-22T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
      ['scheduled__2026-11-23T00:00:00+00:00', '2026-11-23T00:00:00.000Z', '2026-11-24T00:00:00.000Z'],
      ['scheduled__2026-11-24T00:00:00+00:00', '2026-11-24T00:00:00.000Z', '2026-11-25T00:00:00.000Z'],
    ]);
    await Promise.all(runs.map((r) => scheduler.waitForRun('d', r.runId)));
    expect(scheduler.createDueRuns()).toEqual([]);
    expect(store.listRuns('d').map((r) => r.state)).toEqual(['success', 'success', 'success']);
    // The template context of a scheduled run carries its data interval.
    expect(started.map((s) => s.context.template.ds).sort()).toEqual(['2026-11-22', '2026-11-23', '2026-11-24']);
  });

  it('without catchup creates only the latest interval, and max_active_runs holds back the rest', async () => {
    const now = new Date('2026-11-25T10:00:00Z');
    const { scheduler } = await setup(
      { schedule: '@daily', start_date: '2026-11-01', catchup: false, tasks: [{ task_id: 'a', operator: 'empty' }] },
      { now: () => now },
    );
    scheduler.setPaused('d', false);
    expect(scheduler.createDueRuns().map((r) => r.logicalDate)).toEqual(['2026-11-24T00:00:00.000Z']);
  });

  it('backfills a range, skipping successful runs unless reset, re-running failed ones on request', async () => {
    const { scheduler, store } = await setup(
      { schedule: '@daily', start_date: '2026-11-01', tasks: [{ task_id: 'a', operator: 'empty' }] },
      { ignorePause: true },
    );
    const first = scheduler.backfill('d', new Date('2026-11-01'), new Date('2026-11-03'));
    expect(first.map((r) => r.runId)).toEqual([
      'backfill__2026-11-01T00:00:00+00:00',
      'backfill__2026-11-02T00:00:00+00:00',
      'backfill__2026-11-03T00:00:00+00:00',
    ]);
    await Promise.all(first.map((r) => scheduler.waitForRun('d', r.runId)));
    expect(scheduler.backfill('d', new Date('2026-11-01'), new Date('2026-11-04')).map((r) => r.logicalDate)).toEqual([
      '2026-11-04T00:00:00.000Z',
    ]);
    const reset = scheduler.backfill('d', new Date('2026-11-01'), new Date('2026-11-01'), { reset: true });
    expect(reset).toHaveLength(1);
    const again = await scheduler.waitForRun('d', reset[0]!.runId);
    expect(again.state).toBe('success');
    expect(store.getTaskInstance('d', reset[0]!.runId, 'a')?.tryNumber).toBe(2);
  });

  it('holds a manual run of a paused DAG until it is unpaused, and says why', async () => {
    const { scheduler } = await setup({ schedule: '@daily', start_date: '2026-11-01', tasks: [{ task_id: 'a', operator: 'empty' }] });
    const run = scheduler.triggerRun('d', {});
    await new Promise((r) => setTimeout(r, 30));
    expect(started).toHaveLength(0);
    expect(scheduler.explain('d', run.runId, 'a').join('\n')).toMatch(/paused/);
    scheduler.setPaused('d', false);
    expect((await scheduler.waitForRun('d', run.runId)).state).toBe('success');
  });

  it('times out through the operator and retries per policy, then fails the run', async () => {
    const { run, store } = await runOnce({
      tasks: [{ task_id: 'stuck', operator: 'empty', do: 'fail', retries: 1, retry_delay: 0, execution_timeout: '1s' }],
    });
    expect(run.state).toBe('failed');
    expect(store.listTries('d', run.runId, 'stuck')).toHaveLength(2);
  });
});
