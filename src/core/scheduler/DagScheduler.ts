import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import type { TaskSpec } from '../dag/dagFile';
import type { RunningTask, TaskOutcome, TaskRunContext } from '../executor/taskExecution';
import type { MetadataStore } from '../store/MetadataStore';
import type { DagRunRecord, RunType, TaskInstanceRecord, TaskTryRecord } from '../store/metadataRecords';
import { buildTemplateContext } from './buildTemplateContext';
import type { CompiledDag, CompiledTask } from './compileDag';
import { evaluateTriggerRule, summarizeUpstream } from './evaluateTriggerRule';
import { followLogFile, type StopFollowing } from './followLogFile';
import { tryLogPath } from './logPaths';
import { ReadyLanes, type ReadyItem } from './ReadyLanes';
import { retryDelayMs } from './retryDelay';
import { makeRunId } from './runIds';
import type { SchedulerEventName, SchedulerEvents, SchedulerListener } from './schedulerEvents';
import { FAILED_TASK_STATES, FINISHED_RUN_STATES, isFinishedTaskState, type TaskState } from './taskStates';
import { createTimetable, type DataInterval, type Timetable } from './timetable';

/** Starts one try of a task; the operators registry in production, a fake in unit tests. */
export type StartTask = (task: TaskSpec, context: TaskRunContext) => RunningTask;

/** Kills what is left of a task's process tree after the scheduler that ran it died. */
export interface OrphanReaper {
  /** Must leave alone a pid that now belongs to another process (`token` tells them apart). */
  reap(pid: number, token: string | undefined): Promise<void>;
}

export interface DagSchedulerOptions {
  store: MetadataStore;
  /** Absolute workspace folder: logs go under its `.dagstream/`, tasks run in it. */
  workspaceDir: string;
  startTask: StartTask;
  reaper?: OrphanReaper;
  /** Airflow's `core.parallelism`: tasks running at once across all DAGs. */
  parallelism?: number;
  /** Runs of paused DAGs still run (`dagstream test`, like `airflow dags test`). */
  ignorePause?: boolean;
  interpreters?: TaskRunContext['interpreters'];
  now?: () => Date;
  /** How long one scheduling pass may hold the event loop before yielding, in ms. */
  sliceMs?: number;
  /** Resume unfinished runs found in the store at start (false for `dagstream test`). */
  resumeRuns?: boolean;
}

interface LoadedDag {
  compiled: CompiledDag;
  fileLoc: string;
  timetable: Timetable;
}

/** A run the scheduler is working on, with its task instances in memory. */
interface ActiveRun {
  dag: LoadedDag;
  run: DagRunRecord;
  tis: Map<string, TaskInstanceRecord>;
  /** Tasks whose dependencies must be looked at again. */
  dirty: Set<string>;
  unfinished: number;
  /** Task instances that will move on by themselves: scheduled, queued, running, waiting to retry. */
  inFlight: number;
  /** Set by cancelRun: the run ends `failed` once its killed tries have reported. */
  cancelled: boolean;
}

type KillIntent = 'cancel' | 'clear' | 'mark' | 'shutdown' | 'timeout';

interface RunningTry {
  active: ActiveRun;
  task: CompiledTask;
  handle: RunningTask;
  startedAt: number;
  intent?: KillIntent;
  /** Set while someone listens to `logAppended`. */
  stopFollowing?: StopFollowing;
}

const DEFAULT_PARALLELISM = 32;
const IN_FLIGHT_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'scheduled',
  'queued',
  'running',
  'up_for_retry',
  'up_for_reschedule',
  'restarting',
  'deferred',
]);

const key = (...parts: string[]): string => parts.join('\u0000');

/**
 * The embedded scheduler and executor loop, with Apache Airflow's semantics: runs with data
 * intervals, trigger rules with skip and failure propagation, retries with backoff, execution
 * timeouts, pools, `max_active_runs`, `max_active_tasks`, `priority_weight` and a global
 * parallelism limit. Every state change goes to the metadata store before it is announced.
 *
 * Work is event-driven: a finished task marks only its downstream tasks for evaluation, and a
 * pass yields the event loop after `sliceMs`, so 10,000-task DAGs neither go quadratic nor
 * freeze the editor that embeds the scheduler.
 */
export class DagScheduler {
  private readonly store: MetadataStore;
  private readonly options: DagSchedulerOptions;
  private readonly emitter = new EventEmitter();
  private readonly dags = new Map<string, LoadedDag>();
  private readonly activeRuns = new Map<string, ActiveRun>();
  private readonly queuedRuns = new Map<string, DagRunRecord[]>();
  private readonly running = new Map<string, RunningTry>();
  private readonly ready = new ReadyLanes();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly poolUsage = new Map<string, number>();
  /** Sensors leaving up_for_reschedule for their next check -> the start of their first check. */
  private readonly rescheduledSince = new Map<string, string>();
  private readonly dagActiveTasks = new Map<string, number>();
  private readonly paused = new Map<string, boolean>();
  /**
   * Task instances whose state changed but is not written yet. State changes are written behind,
   * at the end of the pass (or of the callback) that made them: a task that goes scheduled ->
   * queued -> running in one pass is written once, and the next task's process is spawned before
   * the finished one's row is written, so that the write overlaps with the process starting. The
   * journal reaches the disk at the end of the event-loop turn either way, so this changes nothing
   * about what survives a crash.
   */
  private readonly pendingWrites = new Set<TaskInstanceRecord>();
  /** Try rows written behind the same way, the latest record per try. */
  private readonly pendingTries = new Map<string, TaskTryRecord>();
  /** State changes to announce once their rows are written: "the store already holds the new state". */
  private readonly pendingEvents: SchedulerEvents['taskStateChanged'][] = [];
  private flushScheduled = false;
  /** Runs created by this scheduler that have no task instance rows yet (nothing to read back). */
  private readonly freshRuns = new WeakSet<DagRunRecord>();
  private readonly runWaiters = new Map<string, ((run: DagRunRecord) => void)[]>();
  private readonly parallelism: number;
  private readonly now: () => Date;
  private seq = 0;
  private tickScheduled = false;
  private stopping = false;
  /** After stop(): the store may be closed, so no more passes may touch it. */
  private stopped = false;
  private started = false;

  constructor(options: DagSchedulerOptions) {
    this.options = options;
    this.store = options.store;
    this.parallelism = options.parallelism ?? DEFAULT_PARALLELISM;
    this.now = options.now ?? (() => new Date());
    this.emitter.setMaxListeners(100);
  }

  on<K extends SchedulerEventName>(event: K, listener: SchedulerListener<K>): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  private emit<K extends SchedulerEventName>(event: K, payload: SchedulerEvents[K]): void {
    if (this.emitter.listenerCount(event) > 0) this.emitter.emit(event, payload);
  }

  /** Tasks running now. */
  get runningCount(): number {
    return this.running.size;
  }

  listDags(): { dagId: string; fileLoc: string; paused: boolean; schedule: string | null }[] {
    return [...this.dags.values()].map((d) => ({
      dagId: d.compiled.dagId,
      fileLoc: d.fileLoc,
      paused: this.isPaused(d.compiled.dagId),
      schedule: d.compiled.schedule,
    }));
  }

  getDag(dagId: string): CompiledDag | undefined {
    return this.dags.get(dagId)?.compiled;
  }

  /**
   * Registers (or replaces) a DAG. A DAG seen for the first time starts paused when it has a
   * schedule, so that adding a file never starts a flood of catch-up runs by surprise.
   */
  addDag(compiled: CompiledDag, fileLoc: string): void {
    const timetable = createTimetable(compiled.schedule);
    this.dags.set(compiled.dagId, { compiled, fileLoc, timetable });
    const existing = this.store.getDag(compiled.dagId);
    const paused = existing ? existing.isPaused : timetable.periodic || compiled.schedule === '@once';
    this.paused.set(compiled.dagId, paused);
    if (this.store.readOnly) return;
    this.store.upsertDag({ dagId: compiled.dagId, fileLoc, isPaused: paused, lastParsedAt: this.now().toISOString() });
    this.requestTick();
  }

  isPaused(dagId: string): boolean {
    // Asked several times per task hop: answered from memory, written through on change.
    return this.paused.get(dagId) ?? this.store.getDag(dagId)?.isPaused ?? false;
  }

  setPaused(dagId: string, paused: boolean): void {
    const record = this.store.getDag(dagId);
    if (!record) throw new Error(`Unknown DAG "${dagId}": no DAG file with this dag_id has been loaded.`);
    this.store.upsertDag({ ...record, isPaused: paused });
    this.paused.set(dagId, paused);
    this.requestTick();
  }

  /**
   * Picks up where a previous scheduler left off: task instances it left `running` or `queued`
   * with no live process are failed or retried per their policy (their orphaned process trees
   * are killed first); `scheduled` ones go back to `none`; unfinished runs resume.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const reaper = this.options.reaper;
    const orphans = this.store.listTaskInstancesByState(['running', 'queued', 'restarting', 'scheduled']);
    for (const ti of orphans) {
      if (ti.state === 'scheduled') {
        this.store.upsertTaskInstance({ ...ti, state: 'none' });
        continue;
      }
      if (ti.pid !== undefined && reaper) await reaper.reap(ti.pid, ti.processToken);
      const run = this.store.getRun(ti.dagId, ti.runId);
      const dag = this.dags.get(ti.dagId);
      const task = dag?.compiled.taskById.get(ti.taskId);
      const error = `The scheduler running this try stopped without recording its end${ti.pid === undefined ? '' : ` (task process ${ti.pid})`}; the try is counted as failed.`;
      const endDate = this.now().toISOString();
      const retry = ti.tryNumber < ti.maxTries && task !== undefined && run !== undefined;
      const next: TaskInstanceRecord = {
        ...ti,
        state: retry ? 'up_for_retry' : 'failed',
        endDate,
        error,
        ...(retry
          ? { nextTryAt: new Date(this.now().getTime() + retryDelayMs(task, { ...ti, logicalDate: run.logicalDate })).toISOString() }
          : {}),
      };
      delete next.pid;
      delete next.processToken;
      this.store.upsertTaskInstance(next);
      const tryRecord = this.store.listTries(ti.dagId, ti.runId, ti.taskId).find((t) => t.tryNumber === ti.tryNumber);
      if (tryRecord) this.store.upsertTry({ ...tryRecord, state: 'failed', endDate, error });
      this.emit('notice', {
        message: `Recovered ${ti.dagId}/${ti.runId}/${ti.taskId} try ${ti.tryNumber}: ${retry ? 'up for retry' : 'failed'} (${error})`,
      });
    }
    const resumable = this.options.resumeRuns === false ? [] : this.store.listRuns(undefined, { states: ['queued', 'running'] }).reverse();
    for (const run of resumable) {
      if (!this.dags.has(run.dagId)) continue;
      if (run.state === 'running') this.activate(run);
      else this.enqueueRun(run);
    }
    this.store.flushJournal();
    this.requestTick();
  }

  /** Creates a manual run now (`dagstream trigger`); params must already be resolved and checked. */
  triggerRun(dagId: string, params: Record<string, unknown>, logicalDate?: Date): DagRunRecord {
    const dag = this.requireDag(dagId);
    const runAfter = logicalDate ?? this.now();
    const interval = logicalDate ? { start: logicalDate, end: logicalDate } : dag.timetable.inferManualDataInterval(runAfter);
    return this.createRun(dag, 'manual', logicalDate ?? runAfter, interval, params);
  }

  /** Creates every scheduled run that is due for unpaused DAGs (catch-up included). */
  createDueRuns(): DagRunRecord[] {
    const created: DagRunRecord[] = [];
    for (const dag of this.dags.values()) {
      if (!dag.timetable.periodic && dag.compiled.schedule !== '@once') continue;
      if (this.isPaused(dag.compiled.dagId)) continue;
      const dagId = dag.compiled.dagId;
      // Airflow creates scheduled runs only while fewer than max_active_runs are active.
      while (this.activeRunCount(dagId) < dag.compiled.maxActiveRuns) {
        const last = this.store.latestAutomatedRun(dagId);
        const info = dag.timetable.nextDagRunInfo({
          lastAutomatedInterval: last ? { start: new Date(last.dataIntervalStart), end: new Date(last.dataIntervalEnd) } : undefined,
          now: this.now(),
          startDate: dag.compiled.startDate,
          endDate: dag.compiled.endDate,
          catchup: dag.compiled.catchup,
        });
        if (!info) break;
        if (this.store.getRun(dagId, makeRunId('scheduled', info.logicalDate))) break;
        created.push(this.createRun(dag, 'scheduled', info.logicalDate, info.dataInterval, defaultParams(dag.compiled)));
      }
    }
    return created;
  }

  /**
   * Creates backfill runs for the schedule's intervals whose logical dates fall in [from, to].
   * Intervals that already have a successful run are skipped; failed ones are re-run only with
   * `rerunFailed`; `reset` clears every existing run in the range and runs it again.
   */
  backfill(
    dagId: string,
    from: Date,
    to: Date,
    options: { rerunFailed?: boolean; reset?: boolean; params?: Record<string, unknown> } = {},
  ): DagRunRecord[] {
    const dag = this.requireDag(dagId);
    if (!dag.timetable.periodic)
      throw new Error(`DAG "${dagId}" has schedule ${JSON.stringify(dag.compiled.schedule)}: backfill needs a periodic schedule.`);
    const result: DagRunRecord[] = [];
    for (const info of dag.timetable.intervalsBetween(from, to)) {
      const existing = this.store.listRuns(dagId).find((r) => r.logicalDate === info.logicalDate.toISOString());
      if (existing) {
        const rerun = options.reset || (options.rerunFailed && existing.state === 'failed');
        if (!rerun) continue;
        result.push(this.resetRun(existing));
        continue;
      }
      result.push(this.createRun(dag, 'backfill', info.logicalDate, info.dataInterval, options.params ?? defaultParams(dag.compiled)));
    }
    return result;
  }

  /**
   * Clears a task instance (and optionally everything downstream of it) so that it runs again,
   * as Airflow's "Clear": the try count continues and the retries budget is renewed; a running
   * try is killed and the task becomes `restarting` until its process is gone.
   */
  clearTask(dagId: string, runId: string, taskId: string, options: { downstream?: boolean } = {}): string[] {
    const active = this.reopenRun(dagId, runId);
    const task = active.dag.compiled.taskById.get(taskId);
    if (!task) throw new Error(`DAG "${dagId}" has no task "${taskId}".`);
    const ids = options.downstream ? collectDownstream(active.dag.compiled, taskId) : [taskId];
    for (const id of ids) {
      const ti = active.tis.get(id);
      const compiled = active.dag.compiled.taskById.get(id);
      if (!ti || !compiled) continue;
      const running = this.running.get(key(dagId, runId, id));
      ti.maxTries = ti.tryNumber + compiled.retries + 1;
      if (running) {
        running.intent = 'clear';
        this.setTaskState(active, ti, 'restarting');
        running.handle.kill('Cleared by a user while running; it will run again.');
      } else {
        delete ti.nextTryAt;
        delete ti.error;
        this.setTaskState(active, ti, 'none');
      }
      active.dirty.add(id);
    }
    // A user's action is on disk when the call returns (the CLI reads it back at once).
    this.flushWrites();
    this.requestTick();
    return ids;
  }

  /** Sets a task instance's state by hand (Airflow's "Mark success/failed"); kills a running try. */
  markTask(dagId: string, runId: string, taskId: string, state: 'success' | 'failed'): void {
    const active = this.reopenRun(dagId, runId);
    const ti = active.tis.get(taskId);
    if (!ti) throw new Error(`Run ${runId} of DAG "${dagId}" has no task "${taskId}".`);
    const running = this.running.get(key(dagId, runId, taskId));
    if (running) {
      running.intent = 'mark';
      running.handle.kill(`Marked ${state} by a user.`);
    }
    ti.endDate ??= this.now().toISOString();
    this.setTaskState(active, ti, state);
    this.flushWrites();
    this.requestTick();
  }

  /**
   * Cancels a run as Airflow's "mark run failed": running tasks are killed and fail, tasks that
   * had not started are skipped, and the run ends `failed`.
   */
  cancelRun(dagId: string, runId: string, reason = 'Cancelled by a user.'): void {
    const runKey = key(dagId, runId);
    const queued = this.queuedRuns.get(dagId)?.find((r) => r.runId === runId);
    if (queued) {
      this.queuedRuns.set(
        dagId,
        (this.queuedRuns.get(dagId) ?? []).filter((r) => r !== queued),
      );
      this.activate(queued);
    }
    const active = this.activeRuns.get(runKey);
    if (!active) {
      const run = this.store.getRun(dagId, runId);
      if (!run) throw new Error(`DAG "${dagId}" has no run "${runId}".`);
      throw new Error(`Run ${runId} is already ${run.state}; there is nothing to cancel.`);
    }
    active.run.note = reason;
    active.cancelled = true;
    for (const ti of active.tis.values()) {
      if (isFinishedTaskState(ti.state)) continue;
      const running = this.running.get(key(dagId, runId, ti.taskId));
      if (running) {
        running.intent = 'cancel';
        running.handle.kill(reason);
        continue;
      }
      ti.error = reason;
      this.setTaskState(active, ti, 'skipped');
    }
    this.finishRunIfDone(active);
    this.flushWrites();
    this.requestTick();
  }

  /** Resolves when the run has finished (at once if it already has). */
  waitForRun(dagId: string, runId: string): Promise<DagRunRecord> {
    const run = this.store.getRun(dagId, runId);
    if (run && FINISHED_RUN_STATES.has(run.state)) return Promise.resolve(run);
    return new Promise((resolve) => {
      const runKey = key(dagId, runId);
      this.runWaiters.set(runKey, [...(this.runWaiters.get(runKey) ?? []), resolve]);
    });
  }

  /**
   * Stops taking new tasks, lets running ones finish for up to `graceMs`, then kills the rest
   * and records them as failed tries (retried on the next start if they have retries left).
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    const deadline = Date.now() + graceMs;
    while (this.running.size > 0 && Date.now() < deadline) await sleep(Math.min(50, deadline - Date.now()));
    const outcomes: Promise<TaskOutcome>[] = [];
    for (const entry of this.running.values()) {
      entry.intent = 'shutdown';
      entry.handle.kill(`The scheduler stopped; the task was still running after the ${Math.round(graceMs / 1000)} s grace period.`);
      outcomes.push(entry.handle.outcome);
    }
    await Promise.all(outcomes);
    // Let the outcome handlers (queued as promise callbacks) record the killed tries.
    await sleep(0);
    this.flushWrites();
    this.stopped = true;
    this.store.flushJournal();
  }

  /**
   * Why a task instance is not running (Airflow's "task instance details"): one sentence per
   * blocking dependency, naming the upstream tasks, pool, limit or retry period.
   */
  explain(dagId: string, runId: string, taskId: string, context: { schedulerRunning?: boolean } = {}): string[] {
    const dag = this.dags.get(dagId);
    const run = this.activeRuns.get(key(dagId, runId))?.run ?? this.store.getRun(dagId, runId);
    if (!run) return [`DAG "${dagId}" has no run "${runId}".`];
    const active = this.activeRuns.get(key(dagId, runId));
    const task = dag?.compiled.taskById.get(taskId);
    const ti =
      active?.tis.get(taskId) ?? this.store.getTaskInstance(dagId, runId, taskId) ?? (task ? newTaskInstance(run, task) : undefined);
    if (!ti) return [`Run ${runId} has no task "${taskId}".`];
    const reasons: string[] = [];
    if (!dag || !task) reasons.push(`The DAG file defining "${dagId}" is not loaded (or no longer has task "${taskId}").`);
    if (dag && this.isPaused(dagId) && !this.options.ignorePause)
      reasons.push(`DAG "${dagId}" is paused; unpause it to let its runs proceed (dagstream unpause ${dagId}).`);
    if (run.state === 'queued' && dag) {
      const limit = dag.compiled.maxActiveRuns;
      // Asked from another process (the CLI), this scheduler holds no runs: count the stored ones.
      const running = this.started ? this.runningRunCount(dagId) : this.store.listRuns(dagId, { states: ['running'] }).length;
      if (running >= limit)
        reasons.push(`The run is queued: DAG "${dagId}" already has ${running} running run(s), its max_active_runs is ${limit}.`);
    }
    if (!this.started && context.schedulerRunning === false && !FINISHED_RUN_STATES.has(run.state)) {
      reasons.push('No scheduler is running in this workspace; start one with `dagstream scheduler`.');
    }
    if (FINISHED_RUN_STATES.has(run.state) && !isFinishedTaskState(ti.state)) reasons.push(`The run has ended (${run.state}).`);
    switch (ti.state) {
      case 'success':
      case 'failed':
      case 'skipped':
      case 'upstream_failed':
      case 'removed':
        reasons.push(`Task "${taskId}" is ${ti.state}${ti.error ? `: ${ti.error}` : ''}; it will not run again unless it is cleared.`);
        break;
      case 'running':
      case 'queued':
        reasons.push(
          `Task "${taskId}" is ${ti.state} (try ${ti.tryNumber} of ${ti.maxTries}${ti.pid ? `, pid ${ti.pid}` : ''}${ti.startDate ? `, since ${ti.startDate}` : ''}).`,
        );
        break;
      case 'restarting':
        reasons.push(`Task "${taskId}" was cleared while running; it restarts once its process has stopped.`);
        break;
      case 'up_for_reschedule': {
        const at = ti.nextTryAt ? new Date(ti.nextTryAt) : undefined;
        const wait = at ? Math.max(0, Math.ceil((at.getTime() - this.now().getTime()) / 1000)) : 0;
        reasons.push(
          `Sensor "${taskId}" (try ${ti.tryNumber} of ${ti.maxTries}) has not met its condition yet; it checks again${at ? ` at ${at.toISOString()} (${wait} s from now)` : ' soon'} and holds no slot meanwhile.`,
        );
        break;
      }
      case 'up_for_retry': {
        const at = ti.nextTryAt ? new Date(ti.nextTryAt) : undefined;
        const wait = at ? Math.max(0, Math.ceil((at.getTime() - this.now().getTime()) / 1000)) : 0;
        reasons.push(
          `Try ${ti.tryNumber} of ${ti.maxTries} failed${ti.error ? `: ${ti.error}` : ''}. The next try waits for the retry period${at ? ` until ${at.toISOString()} (${wait} s from now)` : ''}.`,
        );
        break;
      }
      case 'none':
      case 'scheduled':
      case 'deferred':
        if (task) {
          const stateOf = (id: string): TaskState => (active?.tis.get(id) ?? this.store.getTaskInstance(dagId, runId, id))?.state ?? 'none';
          const decision = evaluateTriggerRule(task.triggerRule, summarizeUpstream(task.upstream.map(stateOf)));
          if (decision.kind !== 'run') reasons.push(decision.reason);
          const pending = task.upstream.filter((id) => !isFinishedTaskState(stateOf(id)));
          if (pending.length > 0)
            reasons.push(`Waiting for upstream task(s): ${pending.map((id) => `${id} (${stateOf(id)})`).join(', ')}.`);
        }
        if (ti.state === 'scheduled' && task && dag) reasons.push(...this.explainSlots(dag, task));
        if (reasons.length === 0) reasons.push(`Task "${taskId}" has its dependencies met and will start on the next scheduling pass.`);
        break;
    }
    return reasons;
  }

  private explainSlots(dag: LoadedDag, task: CompiledTask): string[] {
    const reasons: string[] = [];
    // From another process the counters are empty: derive them from the stored task instances.
    const inUse = this.started ? undefined : this.store.listTaskInstancesByState(['queued', 'running']);
    const runningCount = inUse ? inUse.length : this.running.size;
    if (runningCount >= this.parallelism)
      reasons.push(`Parallelism is exhausted: ${runningCount} of ${this.parallelism} tasks are running.`);
    const dagActive = inUse
      ? inUse.filter((ti) => ti.dagId === dag.compiled.dagId).length
      : (this.dagActiveTasks.get(dag.compiled.dagId) ?? 0);
    if (dagActive >= dag.compiled.maxActiveTasks) {
      reasons.push(`DAG "${dag.compiled.dagId}" has ${dagActive} running task(s), its max_active_tasks is ${dag.compiled.maxActiveTasks}.`);
    }
    const pool = this.store.getPool(task.pool);
    if (!pool) reasons.push(`Pool "${task.pool}" does not exist; create it with \`dagstream pool set ${task.pool} --slots N\`.`);
    else {
      const used = inUse
        ? inUse.filter((ti) => ti.pool === task.pool).reduce((sum, ti) => sum + ti.poolSlots, 0)
        : (this.poolUsage.get(task.pool) ?? 0);
      if (used + task.poolSlots > pool.slots)
        reasons.push(`Pool "${task.pool}" has ${pool.slots - used} of ${pool.slots} slots free; this task needs ${task.poolSlots}.`);
    }
    if (reasons.length === 0) reasons.push('Waiting for higher-priority tasks to start first (priority_weight).');
    return reasons;
  }

  // ---------------------------------------------------------------- runs

  private requireDag(dagId: string): LoadedDag {
    const dag = this.dags.get(dagId);
    if (!dag) throw new Error(`Unknown DAG "${dagId}": no loaded DAG file has this dag_id.`);
    return dag;
  }

  private createRun(
    dag: LoadedDag,
    runType: RunType,
    logicalDate: Date,
    interval: DataInterval,
    params: Record<string, unknown>,
  ): DagRunRecord {
    const dagId = dag.compiled.dagId;
    let runId = makeRunId(runType, logicalDate);
    // Two manual triggers within the same millisecond must not collide.
    for (let n = 1; this.store.getRun(dagId, runId); n++) runId = `${makeRunId(runType, logicalDate)}_${n}`;
    const run: DagRunRecord = {
      dagId,
      runId,
      runType,
      state: 'queued',
      logicalDate: logicalDate.toISOString(),
      dataIntervalStart: interval.start.toISOString(),
      dataIntervalEnd: interval.end.toISOString(),
      params,
      queuedAt: this.now().toISOString(),
    };
    // Task instances are written when they first change state, not here: creating a run of a
    // 10,000-task DAG must not hold the event loop for 10,000 inserts. Until then a task
    // instance is `none`, which is what readers assume for a task without a row.
    this.store.insertRun(run);
    this.freshRuns.add(run);
    this.enqueueRun(run);
    this.emit('runCreated', { run });
    this.requestTick();
    return run;
  }

  private resetRun(run: DagRunRecord): DagRunRecord {
    const dag = this.requireDag(run.dagId);
    const reset: DagRunRecord = { ...run, state: 'queued', queuedAt: this.now().toISOString() };
    delete reset.startDate;
    delete reset.endDate;
    delete reset.note;
    this.store.updateRun(reset);
    for (const task of dag.compiled.tasks) {
      const existing = this.store.getTaskInstance(run.dagId, run.runId, task.taskId);
      const fresh = newTaskInstance(reset, task);
      if (existing) {
        fresh.tryNumber = existing.tryNumber;
        fresh.maxTries = existing.tryNumber + task.retries + 1;
      }
      this.store.upsertTaskInstance(fresh);
    }
    this.enqueueRun(reset);
    return reset;
  }

  private enqueueRun(run: DagRunRecord): void {
    const queue = this.queuedRuns.get(run.dagId) ?? [];
    queue.push(run);
    queue.sort((a, b) => a.logicalDate.localeCompare(b.logicalDate));
    this.queuedRuns.set(run.dagId, queue);
  }

  private activeRunCount(dagId: string): number {
    let count = 0;
    for (const active of this.activeRuns.values()) if (active.run.dagId === dagId) count++;
    return count + (this.queuedRuns.get(dagId)?.length ?? 0);
  }

  private runningRunCount(dagId: string): number {
    let count = 0;
    for (const active of this.activeRuns.values()) if (active.run.dagId === dagId) count++;
    return count;
  }

  /** A finished run that a user clears or marks becomes active again. */
  private reopenRun(dagId: string, runId: string): ActiveRun {
    const existing = this.activeRuns.get(key(dagId, runId));
    if (existing) return existing;
    const queued = this.queuedRuns.get(dagId)?.find((r) => r.runId === runId);
    if (queued) {
      this.queuedRuns.set(
        dagId,
        (this.queuedRuns.get(dagId) ?? []).filter((r) => r !== queued),
      );
      return this.activate(queued);
    }
    const run = this.store.getRun(dagId, runId);
    if (!run) throw new Error(`DAG "${dagId}" has no run "${runId}".`);
    const reopened: DagRunRecord = { ...run, state: 'running' };
    delete reopened.endDate;
    return this.activate(reopened);
  }

  private activate(run: DagRunRecord): ActiveRun {
    const dag = this.requireDag(run.dagId);
    const previous = run.state;
    const active: ActiveRun = {
      dag,
      run: { ...run, state: 'running', startDate: run.startDate ?? this.now().toISOString() },
      tis: new Map(),
      dirty: new Set(),
      unfinished: 0,
      inFlight: 0,
      cancelled: false,
    };
    // A run this scheduler just created has no rows to read back (10,000 of them for a big DAG).
    const stored = this.freshRuns.has(run)
      ? new Map<string, TaskInstanceRecord>()
      : new Map(this.store.listTaskInstances(run.dagId, run.runId).map((ti) => [ti.taskId, ti]));
    for (const task of dag.compiled.tasks) {
      // No row yet: the task has not changed state in this run (or was added to the DAG file
      // after the run was created, and joins it as Airflow's verify_integrity does).
      const ti = stored.get(task.taskId) ?? newTaskInstance(active.run, task);
      active.tis.set(task.taskId, ti);
      if (!isFinishedTaskState(ti.state)) active.unfinished++;
      if (IN_FLIGHT_STATES.has(ti.state)) active.inFlight++;
      active.dirty.add(task.taskId);
    }
    for (const [taskId, ti] of stored) {
      if (dag.compiled.taskById.has(taskId) || ti.state === 'removed') continue;
      // A task removed from the DAG file is `removed` (Airflow), which counts as finished.
      this.store.upsertTaskInstance({ ...ti, state: 'removed' });
    }
    this.activeRuns.set(key(run.dagId, run.runId), active);
    this.store.updateRun(active.run);
    if (previous !== 'running')
      this.emit('runStateChanged', { dagId: run.dagId, runId: run.runId, state: 'running', previous, run: active.run });
    return active;
  }

  private promoteQueuedRuns(): void {
    for (const [dagId, queue] of this.queuedRuns) {
      const dag = this.dags.get(dagId);
      if (!dag || queue.length === 0) continue;
      if (this.isPaused(dagId) && !this.options.ignorePause) continue;
      while (queue.length > 0 && this.runningRunCount(dagId) < dag.compiled.maxActiveRuns) this.activate(queue.shift()!);
    }
  }

  private finishRunIfDone(active: ActiveRun): void {
    if (active.unfinished > 0 && this.isDeadlocked(active)) {
      // Airflow's deadlock detection: tasks are left that can never run (e.g. an upstream task
      // was removed from the DAG file), so the run fails rather than hanging forever.
      const stuck = [...active.tis.values()].filter((ti) => !isFinishedTaskState(ti.state)).map((ti) => ti.taskId);
      active.run.note = `Deadlock: task(s) ${stuck.join(', ')} can never run; their dependencies cannot be met.`;
      this.emit('notice', { message: `${active.run.dagId} ${active.run.runId}: ${active.run.note}` });
      for (const taskId of stuck) {
        const ti = active.tis.get(taskId)!;
        ti.error = active.run.note;
        this.setTaskState(active, ti, 'upstream_failed');
      }
      active.cancelled = true;
    }
    if (active.unfinished > 0) return;
    // Every row of a finished run is written before anyone hears that it finished.
    this.flushWrites();
    const forced = active.cancelled ? 'failed' : undefined;
    const leaves = active.dag.compiled.tasks.filter((t) => t.downstream.length === 0);
    const anyLeafFailed = leaves.some((t) => FAILED_TASK_STATES.has(active.tis.get(t.taskId)?.state ?? 'none'));
    const state = forced ?? (anyLeafFailed ? 'failed' : 'success');
    const run: DagRunRecord = { ...active.run, state, endDate: this.now().toISOString() };
    this.activeRuns.delete(key(run.dagId, run.runId));
    this.store.updateRun(run);
    this.emit('runStateChanged', { dagId: run.dagId, runId: run.runId, state, previous: 'running', run });
    const waiters = this.runWaiters.get(key(run.dagId, run.runId)) ?? [];
    this.runWaiters.delete(key(run.dagId, run.runId));
    for (const resolve of waiters) resolve(run);
    // A finished run frees a max_active_runs slot and may make a scheduled run due.
    this.requestTick();
  }

  // ---------------------------------------------------------------- the scheduling pass

  /** Nothing in flight, nothing left to evaluate, yet tasks unfinished: none of them can ever run. */
  private isDeadlocked(active: ActiveRun): boolean {
    if (active.inFlight > 0 || active.dirty.size > 0) return false;
    return !this.isPaused(active.run.dagId) || this.options.ignorePause === true;
  }

  /**
   * Schedules a scheduling pass. A pass asked for by an event (a task ended, a run was created)
   * runs as soon as the current callback is done, so that the next task starts without waiting
   * for a turn of the event loop; a pass that continues work left over by a time-sliced pass
   * waits for the next turn (`yieldFirst`), so that I/O and the editor get their share.
   */
  private requestTick(yieldFirst = false): void {
    if (this.tickScheduled || !this.started) return;
    this.tickScheduled = true;
    if (yieldFirst) setImmediate(() => this.tick());
    else queueMicrotask(() => this.tick());
  }

  private tick(): void {
    this.tickScheduled = false;
    if (this.stopped) return;
    if (!this.stopping) this.promoteQueuedRuns();
    const deadline = performance.now() + (this.options.sliceMs ?? 10);
    let more = false;
    for (const active of this.activeRuns.values()) {
      if (this.isPaused(active.run.dagId) && !this.options.ignorePause) continue;
      if (!this.evaluate(active, deadline)) {
        more = true;
        break;
      }
    }
    // Starting a task costs about as much again in writes and outcome handling after it (within
    // the same turn of the event loop): starts get a third of the slice so the whole turn fits it.
    if (!this.stopping) this.dispatch(Math.min(deadline, performance.now() + (this.options.sliceMs ?? 10) / 3));
    // Waiting tasks' `scheduled` rows only inform readers in other processes (start() resets them
    // after a crash): a pass that scheduled thousands writes what fits in a few milliseconds more
    // and leaves the rest to the next pass, so that the editor is never held for long.
    const writesLeft = !this.flushWrites(Math.max(deadline, performance.now()) + 2);
    for (const active of [...this.activeRuns.values()]) this.finishRunIfDone(active);
    if (
      more ||
      writesLeft ||
      (this.ready.size > 0 && this.running.size < this.parallelism && !this.stopping && performance.now() >= deadline)
    )
      this.requestTick(true);
  }

  /** Evaluates dirty tasks of a run; false when the time slice ran out first. */
  private evaluate(active: ActiveRun, deadline: number): boolean {
    const compiled = active.dag.compiled;
    for (const taskId of active.dirty) {
      if (performance.now() > deadline) return false;
      active.dirty.delete(taskId);
      const ti = active.tis.get(taskId);
      const task = compiled.taskById.get(taskId);
      if (!ti || !task) continue;
      if (ti.state !== 'none' && ti.state !== 'up_for_retry' && ti.state !== 'up_for_reschedule') continue;
      if (ti.nextTryAt && (ti.state === 'up_for_retry' || ti.state === 'up_for_reschedule')) {
        const wait = new Date(ti.nextTryAt).getTime() - this.now().getTime();
        if (wait > 0) {
          this.wakeAfter(active, taskId, wait);
          continue;
        }
      }
      const decision = evaluateTriggerRule(
        task.triggerRule,
        summarizeUpstream(task.upstream.map((id) => active.tis.get(id)?.state ?? 'none')),
      );
      switch (decision.kind) {
        case 'wait':
          break;
        case 'skip':
        case 'upstream_failed':
          // Airflow's set_state stamps both dates on a task that finishes without running.
          ti.startDate ??= this.now().toISOString();
          ti.endDate ??= ti.startDate;
          ti.durationMs ??= 0;
          this.setTaskState(active, ti, decision.kind === 'skip' ? 'skipped' : 'upstream_failed');
          break;
        case 'run':
          // A rescheduled sensor runs again as the same try, its timeout counting from its first check.
          if (ti.state === 'up_for_reschedule' && ti.startDate) this.rescheduledSince.set(key(ti.dagId, ti.runId, taskId), ti.startDate);
          this.setTaskState(active, ti, 'scheduled');
          this.ready.add({
            dagId: ti.dagId,
            runId: ti.runId,
            taskId,
            pool: task.pool,
            poolSlots: task.poolSlots,
            priorityWeight: task.priorityWeight,
            seq: this.seq++,
          });
          break;
      }
    }
    return true;
  }

  private wakeAfter(active: ActiveRun, taskId: string, delayMs: number): void {
    const timerKey = key(active.run.dagId, active.run.runId, taskId);
    if (this.timers.has(timerKey) || this.stopping) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timerKey);
        active.dirty.add(taskId);
        this.requestTick();
      },
      Math.min(delayMs, 2 ** 31 - 1),
    );
    this.timers.set(timerKey, timer);
  }

  private dispatch(deadline: number): void {
    const poolSlots = new Map<string, number>();
    const slots = {
      dagHasRoom: (dagId: string) => (this.dagActiveTasks.get(dagId) ?? 0) < (this.dags.get(dagId)?.compiled.maxActiveTasks ?? 0),
      poolHasRoom: (pool: string, needed: number) => {
        // Read once per pass: a pool resized meanwhile (`dagstream pool set`) counts from the next pass.
        let size = poolSlots.get(pool);
        if (size === undefined) poolSlots.set(pool, (size = this.store.getPool(pool)?.slots ?? -1));
        return size >= 0 && (this.poolUsage.get(pool) ?? 0) + needed <= size;
      },
    };
    const isCurrent = (item: ReadyItem) => {
      const active = this.activeRuns.get(key(item.dagId, item.runId));
      return active?.tis.get(item.taskId)?.state === 'scheduled' && (!this.isPaused(item.dagId) || this.options.ignorePause === true);
    };
    while (this.running.size < this.parallelism && this.ready.size > 0 && performance.now() <= deadline) {
      const item = this.ready.takeNext(slots, isCurrent);
      if (!item) return;
      const active = this.activeRuns.get(key(item.dagId, item.runId))!;
      this.startTry(active, active.dag.compiled.taskById.get(item.taskId)!);
    }
  }

  private startTry(active: ActiveRun, task: CompiledTask): void {
    const ti = active.tis.get(task.taskId)!;
    const { dagId, runId } = active.run;
    const rescheduledSince = this.rescheduledSince.get(key(dagId, runId, task.taskId));
    this.rescheduledSince.delete(key(dagId, runId, task.taskId));
    if (rescheduledSince === undefined || ti.tryNumber === 0) ti.tryNumber += 1;
    if (ti.maxTries < ti.tryNumber) ti.maxTries = ti.tryNumber;
    ti.queuedAt = this.now().toISOString();
    delete ti.nextTryAt;
    delete ti.error;
    delete ti.endDate;
    delete ti.durationMs;
    this.setTaskState(active, ti, 'queued');

    const logPath = tryLogPath(dagId, runId, task.taskId, ti.tryNumber);
    // A first try has nothing to clear; later tries must not see the previous try's values.
    if (ti.tryNumber > 1) this.store.clearXComs(dagId, runId, task.taskId);
    const context: TaskRunContext = {
      dagId,
      runId,
      taskId: task.taskId,
      tryNumber: ti.tryNumber,
      maxTries: ti.maxTries,
      workspaceDir: this.options.workspaceDir,
      logFile: path.join(this.options.workspaceDir, logPath),
      ...(task.executionTimeoutMs === undefined ? {} : { executionTimeoutMs: task.executionTimeoutMs }),
      template: buildTemplateContext(this.store, active.run, task, ti.tryNumber),
      renderTemplateAsNativeObj: active.dag.compiled.renderNative,
      ...(this.options.interpreters ? { interpreters: this.options.interpreters } : {}),
      ...(rescheduledSince === undefined ? {} : { rescheduledSince }),
      reportProgress: (progress) => {
        if (this.running.has(key(dagId, runId, task.taskId)))
          this.emit('taskProgress', { dagId, runId, taskId: task.taskId, tryNumber: context.tryNumber, progress });
      },
    };
    let handle: RunningTask;
    try {
      handle = this.options.startTask(task.spec, context);
    } catch (error) {
      // An operator that throws instead of reporting is a bug; fail the try, never the scheduler.
      const message = `Could not start the task: ${error instanceof Error ? error.message : String(error)}`;
      handle = {
        pid: undefined,
        processToken: undefined,
        outcome: Promise.resolve({ state: 'failed', error: message }),
        kill: () => undefined,
      };
    }
    const startDate = rescheduledSince ?? this.now().toISOString();
    ti.startDate = startDate;
    if (handle.pid !== undefined) ti.pid = handle.pid;
    if (handle.processToken !== undefined) ti.processToken = handle.processToken;
    const tryRecord: TaskTryRecord = {
      dagId,
      runId,
      taskId: task.taskId,
      tryNumber: ti.tryNumber,
      state: 'running',
      startDate,
      ...(handle.pid === undefined ? {} : { pid: handle.pid }),
      logPath,
    };
    this.writeTry(tryRecord);
    this.poolUsage.set(task.pool, (this.poolUsage.get(task.pool) ?? 0) + task.poolSlots);
    this.dagActiveTasks.set(dagId, (this.dagActiveTasks.get(dagId) ?? 0) + 1);
    const entry: RunningTry = { active, task, handle, startedAt: performance.now() };
    if (this.emitter.listenerCount('logAppended') > 0) {
      const tryNumber = ti.tryNumber;
      entry.stopFollowing = followLogFile(context.logFile, (text) =>
        this.emit('logAppended', { dagId, runId, taskId: task.taskId, tryNumber, text }),
      );
    }
    this.running.set(key(dagId, runId, task.taskId), entry);
    this.setTaskState(active, ti, 'running');
    // A process started by the launcher is known a moment later: record it for crash recovery.
    if (handle.pid === undefined && handle.started)
      void handle.started.then(() => {
        if (handle.pid === undefined || this.running.get(key(dagId, runId, task.taskId)) !== entry) return;
        ti.pid = handle.pid;
        if (handle.processToken !== undefined) ti.processToken = handle.processToken;
        this.pendingWrites.add(ti);
        this.writeTry({ ...tryRecord, pid: handle.pid });
      });
    void handle.outcome.then(
      (outcome) => this.onOutcome(entry, outcome, logPath),
      (error: unknown) => this.onOutcome(entry, { state: 'failed', error: `The task's runner failed: ${String(error)}` }, logPath),
    );
  }

  private onOutcome(entry: RunningTry, outcome: TaskOutcome, logPath: string): void {
    const { active, task } = entry;
    const { dagId, runId } = active.run;
    entry.stopFollowing?.();
    this.running.delete(key(dagId, runId, task.taskId));
    this.poolUsage.set(task.pool, Math.max(0, (this.poolUsage.get(task.pool) ?? 0) - task.poolSlots));
    this.dagActiveTasks.set(dagId, Math.max(0, (this.dagActiveTasks.get(dagId) ?? 0) - 1));
    const ti = active.tis.get(task.taskId)!;
    const endDate = this.now().toISOString();
    const durationMs = Math.round(performance.now() - entry.startedAt);
    const tryNumber = ti.tryNumber;
    let tryState: TaskState = outcome.state;
    let error = outcome.error;

    switch (entry.intent) {
      case 'mark':
        tryState = 'failed';
        error = `Killed: the task was marked ${ti.state} by a user.`;
        break;
      case 'clear':
        tryState = 'failed';
        error = 'Killed: the task was cleared by a user; it runs again.';
        delete ti.pid;
        delete ti.processToken;
        this.setTaskState(active, ti, 'none');
        active.dirty.add(task.taskId);
        break;
      case 'cancel':
        tryState = 'failed';
        error = active.run.note ?? 'The run was cancelled.';
        this.finishTry(active, ti, 'failed', endDate, durationMs, error);
        break;
      default: {
        if (entry.intent === 'shutdown') {
          tryState = 'failed';
          error = outcome.error ?? 'Killed because the scheduler stopped.';
        }
        if (tryState === 'success' && outcome.xcom !== undefined) {
          this.store.setXCom({ dagId, runId, taskId: task.taskId, key: 'return_value', value: outcome.xcom, timestamp: endDate });
          this.emit('xcomPushed', { dagId, runId, taskId: task.taskId, key: 'return_value', value: outcome.xcom });
        }
        if (tryState === 'up_for_reschedule') {
          // The slot is free again (released above); the sensor waits without holding one.
          ti.nextTryAt = outcome.rescheduleAt ?? endDate;
          this.finishTry(active, ti, 'up_for_reschedule', endDate, durationMs, undefined);
          active.dirty.add(task.taskId);
        } else if (tryState === 'success' || tryState === 'skipped') {
          this.finishTry(active, ti, tryState, endDate, durationMs, undefined);
        } else if (tryNumber < ti.maxTries && outcome.noRetry !== true) {
          ti.nextTryAt = new Date(
            this.now().getTime() + retryDelayMs(task, { dagId, taskId: task.taskId, logicalDate: active.run.logicalDate, tryNumber }),
          ).toISOString();
          this.finishTry(active, ti, 'up_for_retry', endDate, durationMs, error);
          active.dirty.add(task.taskId);
        } else {
          this.finishTry(active, ti, 'failed', endDate, durationMs, error);
        }
      }
    }
    this.writeTry({
      dagId,
      runId,
      taskId: task.taskId,
      tryNumber,
      state: tryState,
      startDate: ti.startDate ?? endDate,
      endDate,
      durationMs,
      ...(entry.handle.pid === undefined ? {} : { pid: entry.handle.pid }),
      ...(outcome.exitCode === undefined ? {} : { exitCode: outcome.exitCode }),
      ...(error === undefined ? {} : { error }),
      logPath,
    });
    this.finishRunIfDone(active);
    this.requestTick();
  }

  private finishTry(
    active: ActiveRun,
    ti: TaskInstanceRecord,
    state: TaskState,
    endDate: string,
    durationMs: number,
    error: string | undefined,
  ): void {
    ti.endDate = endDate;
    ti.durationMs = durationMs;
    delete ti.pid;
    delete ti.processToken;
    if (error === undefined) delete ti.error;
    else ti.error = error;
    this.setTaskState(active, ti, state);
  }

  /**
   * Writes pending task instance rows. Rows of tasks still only `scheduled` are written while
   * `scheduledDeadline` allows; returns false when some of those are left for the next pass.
   */
  private flushWrites(scheduledDeadline = Infinity): boolean {
    for (const attempt of this.pendingTries.values()) this.store.upsertTry(attempt);
    this.pendingTries.clear();
    for (const ti of this.pendingWrites) {
      if (ti.state === 'scheduled' && performance.now() > scheduledDeadline) continue;
      this.pendingWrites.delete(ti);
      if (!isUnwritten(ti.state)) this.store.upsertTaskInstance(ti);
    }
    // Then the state changes are announced, in the order they happened. (A task still waiting in
    // `scheduled` whose row was left for the next pass is announced now all the same.)
    if (this.pendingEvents.length > 0) {
      const events = this.pendingEvents.splice(0);
      for (const payload of events) this.emit('taskStateChanged', payload);
    }
    return this.pendingWrites.size === 0;
  }

  private writeTry(attempt: TaskTryRecord): void {
    this.pendingTries.set(key(attempt.dagId, attempt.runId, attempt.taskId, String(attempt.tryNumber)), attempt);
    this.requestFlush();
  }

  /** A state change outside a pass (an outcome, a user's clear or mark) is written after its callback. */
  private requestFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      // A pass that is due writes them at its end, after it has started the next tasks.
      if (this.tickScheduled || this.stopped) return;
      this.flushWrites();
    });
  }

  /** The one place task states change: keeps counters, the store and subscribers in step. */
  private setTaskState(active: ActiveRun, ti: TaskInstanceRecord, state: TaskState): void {
    const previous = ti.state;
    const wasFinished = isFinishedTaskState(previous);
    const isFinished = isFinishedTaskState(state);
    ti.state = state;
    if (!wasFinished && isFinished) active.unfinished--;
    if (wasFinished && !isFinished) active.unfinished++;
    active.inFlight += (IN_FLIGHT_STATES.has(state) ? 1 : 0) - (IN_FLIGHT_STATES.has(previous) ? 1 : 0);
    // Written behind (see pendingWrites): `queued` lasts only until the process is started in
    // the same pass and is announced but never written (a crash in between leaves the stored
    // `scheduled`, which start() resets); most scheduled tasks start in the same pass too.
    this.pendingWrites.add(ti);
    this.requestFlush();
    if (isFinished || wasFinished) {
      const task = active.dag.compiled.taskById.get(ti.taskId);
      for (const child of task?.downstream ?? []) active.dirty.add(child);
    }
    if (this.emitter.listenerCount('taskStateChanged') === 0) return;
    // Announced once the row is written (see flushWrites): a listener may read the store at once.
    const payload: SchedulerEvents['taskStateChanged'] = {
      dagId: ti.dagId,
      runId: ti.runId,
      taskId: ti.taskId,
      state,
      previous,
      tryNumber: ti.tryNumber,
      ...(ti.startDate === undefined ? {} : { startDate: ti.startDate }),
      ...(ti.endDate === undefined ? {} : { endDate: ti.endDate }),
      at: performance.timeOrigin + performance.now(),
      ti: { ...ti },
    };
    this.pendingEvents.push(payload);
  }
}

function isUnwritten(state: TaskState): boolean {
  return state === 'queued';
}

function newTaskInstance(run: DagRunRecord, task: CompiledTask): TaskInstanceRecord {
  return {
    dagId: run.dagId,
    runId: run.runId,
    taskId: task.taskId,
    state: 'none',
    tryNumber: 0,
    maxTries: task.retries + 1,
    operator: task.operator,
    pool: task.pool,
    poolSlots: task.poolSlots,
    priorityWeight: task.priorityWeight,
  };
}

/** The params of a run that nobody triggered by hand: each param's default. */
export function defaultParams(dag: CompiledDag): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(dag.file.params ?? {})) if ('default' in schema) params[name] = schema.default;
  return params;
}

function collectDownstream(dag: CompiledDag, taskId: string): string[] {
  const seen = new Set<string>([taskId]);
  const stack = [taskId];
  while (stack.length > 0) {
    for (const child of dag.taskById.get(stack.pop()!)?.downstream ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        stack.push(child);
      }
    }
  }
  return [...seen];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
