import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { discoverDagFiles } from '../../core/engine/discoverDagFiles';
import { applyEngineRequest, type EngineRequest, type EngineResponse } from '../../core/engine/engineRequests';
import { loadDagFile } from '../../core/engine/loadDagFile';
import { openEngine, type Engine } from '../../core/engine/openEngine';
import { sendEngineRequest, serveEngineRequests } from '../../core/engine/requestInbox';
import type { CompiledDag } from '../../core/scheduler/compileDag';
import { DagScheduler } from '../../core/scheduler/DagScheduler';
import type { SchedulerEvents } from '../../core/scheduler/schedulerEvents';
import { createTimetable } from '../../core/scheduler/timetable';
import type { MetadataStore } from '../../core/store/MetadataStore';
import type { DagRunRecord, TaskInstanceRecord } from '../../core/store/metadataRecords';
import { openMetadataStore } from '../../core/store/openMetadataStore';
import { SchedulerLockHeldError } from '../../core/store/schedulerLock';

/** How often the local scheduler creates due runs and answers other processes' requests (as `dagstream scheduler`). */
const LOCAL_POLL_MS = 250;
/** How often a window watching another process's scheduler reloads the metadata it writes. */
const REMOTE_POLL_MS = 500;
const FINISHED_RUN_STATES = new Set(['success', 'failed']);

/** What the views hear from an engine, local or remote, in the same shape. */
export interface WorkspaceEngineEvents {
  taskInstance: TaskInstanceRecord;
  run: DagRunRecord;
  taskProgress: SchedulerEvents['taskProgress'];
  /** Pause flags, DAG files loaded, running count: anything a status line shows. */
  changed: undefined;
}

export interface DagSummary {
  dagId: string;
  fileLoc: string;
  paused: boolean;
  schedule: string | null;
}

/**
 * A workspace's scheduler as the extension sees it. `local`: this extension host holds the lock and
 * runs the scheduler (task code in child processes). `remote`: another process holds it (say
 * `dagstream scheduler` in a terminal); this window reads the metadata it writes and sends it
 * requests through its inbox, so that one process only ever writes the metadata.
 */
export class WorkspaceEngine {
  private readonly emitter = new EventEmitter();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** Remote: what each run and task instance looked like at the last poll, to report only changes. */
  private readonly seen = new Map<string, string>();

  private constructor(
    readonly mode: 'local' | 'remote',
    readonly workspaceDir: string,
    readonly store: MetadataStore,
    /** Local: the running scheduler. Remote: one that is never started, for DAG lookups and explain(). */
    private readonly scheduler: DagScheduler,
    private readonly engine: Engine | undefined,
    /** Who runs the tasks, for tooltips and the status bar. */
    readonly detail: string,
  ) {
    this.emitter.setMaxListeners(200);
    if (engine) {
      // The scheduler updates its records in place: listeners get a copy as of this change.
      scheduler.on('taskStateChanged', (e) => this.emit('taskInstance', { ...e.ti, state: e.state, tryNumber: e.tryNumber }));
      scheduler.on('runCreated', (e) => this.emit('run', e.run));
      scheduler.on('runStateChanged', (e) => this.emit('run', e.run));
      // Not `logAppended`: listening makes the scheduler tail every running try's log. The log
      // panel tails the one try it shows (followLogFile), in this and in a remote window alike.
      scheduler.on('taskProgress', (e) => this.emit('taskProgress', e));
      this.timer = setInterval(() => {
        scheduler.createDueRuns();
        serveEngineRequests(workspaceDir, (request) => this.applyLocally(request));
      }, LOCAL_POLL_MS);
    } else {
      this.pollRemote(true);
      this.timer = setInterval(() => this.pollRemote(false), REMOTE_POLL_MS);
    }
  }

  /** Takes the workspace's scheduler lock and starts the scheduler, or attaches to the process holding it. */
  static async open(workspaceDir: string): Promise<WorkspaceEngine> {
    const dir = path.resolve(workspaceDir);
    try {
      const engine = await openEngine({ workspaceDir: dir, mode: 'exclusive' });
      await engine.scheduler.start();
      engine.scheduler.createDueRuns();
      return new WorkspaceEngine('local', dir, engine.store, engine.scheduler, engine, 'The scheduler runs in this window.');
    } catch (error) {
      if (!(error instanceof SchedulerLockHeldError)) throw error;
      const store = await openMetadataStore({ workspaceDir: dir, readOnly: true });
      const scheduler = new DagScheduler({
        store,
        workspaceDir: dir,
        startTask: () => {
          throw new Error('This window only watches; the scheduler holding the lock runs the tasks.');
        },
      });
      for (const file of await discoverDagFiles(dir)) {
        const loaded = await loadDagFile(file, dir);
        if (loaded.compiled) scheduler.addDag(loaded.compiled, loaded.fileLoc);
      }
      const holder = error.holder;
      return new WorkspaceEngine(
        'remote',
        dir,
        store,
        scheduler,
        undefined,
        `The scheduler runs in another process: ${holder.command} (pid ${holder.pid}, since ${holder.startedAt}); this window sends it requests.`,
      );
    }
  }

  on<K extends keyof WorkspaceEngineEvents>(event: K, listener: (payload: WorkspaceEngineEvents[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  private emit<K extends keyof WorkspaceEngineEvents>(event: K, payload: WorkspaceEngineEvents[K]): void {
    this.emitter.emit(event, payload);
  }

  /** Applies a change: here when this window runs the scheduler, through the inbox of the one that does otherwise. */
  async request(request: EngineRequest): Promise<EngineResponse> {
    if (this.closed) return { ok: false, error: 'The Dagstream engine of this window has been closed; reopen the DAG to try again.' };
    if (this.engine) {
      const response = this.applyLocally(request);
      return response;
    }
    const response = await sendEngineRequest(this.workspaceDir, request);
    this.pollRemote(false);
    return response;
  }

  private applyLocally(request: EngineRequest): EngineResponse {
    const response = applyEngineRequest(this.scheduler, this.store, request);
    if (response.ok && request.kind === 'pause') this.emit('changed', undefined);
    return response;
  }

  explain(dagId: string, runId: string, taskId: string): string[] {
    return this.scheduler.explain(dagId, runId, taskId, { schedulerRunning: true });
  }

  getDag(dagId: string): CompiledDag | undefined {
    return this.scheduler.getDag(dagId);
  }

  listDags(): DagSummary[] {
    return this.scheduler.listDags().map((d) => ({ ...d, paused: this.isPaused(d.dagId) }));
  }

  isPaused(dagId: string): boolean {
    if (this.engine) return this.scheduler.isPaused(dagId);
    return this.store.getDag(dagId)?.isPaused ?? this.scheduler.isPaused(dagId);
  }

  /** Tasks running now in this workspace. */
  get runningCount(): number {
    return this.engine ? this.scheduler.runningCount : this.store.listTaskInstancesByState(['running']).length;
  }

  /** When the schedule creates the DAG's next run; undefined for unscheduled DAGs. */
  nextRunAt(dagId: string): Date | undefined {
    const dag = this.scheduler.getDag(dagId);
    if (!dag || dag.schedule === null) return undefined;
    try {
      const last = this.store.latestAutomatedRun(dagId);
      return createTimetable(dag.schedule).upcomingDagRunInfo({
        lastAutomatedInterval: last ? { start: new Date(last.dataIntervalStart), end: new Date(last.dataIntervalEnd) } : undefined,
        now: new Date(),
        startDate: dag.startDate,
        endDate: dag.endDate,
        catchup: dag.catchup,
      })?.runAfter;
    } catch {
      return undefined;
    }
  }

  /** A DAG file was saved or created: the scheduler picks up the new definition (as `dagstream scheduler` does). */
  async reloadDagFile(file: string): Promise<string[]> {
    if (this.closed) return [];
    const loaded = await loadDagFile(file, this.workspaceDir);
    if (loaded.compiled && !this.closed) {
      const clash = this.scheduler.listDags().find((d) => d.dagId === loaded.compiled?.dagId && d.fileLoc !== loaded.fileLoc);
      if (clash) return [`dag_id "${loaded.compiled.dagId}" is also defined in ${clash.fileLoc}; dag ids must be unique in a workspace.`];
      this.scheduler.addDag(loaded.compiled, loaded.fileLoc);
      this.emit('changed', undefined);
    }
    return loaded.problems;
  }

  private pollRemote(first: boolean): void {
    if (this.closed) return;
    try {
      this.store.reload();
    } catch {
      return; // a snapshot being replaced; the next poll reads it
    }
    let changed = false;
    for (const run of this.store.listRuns(undefined, { limit: 200 })) {
      const runKey = `${run.dagId}\u0000${run.runId}`;
      const fingerprint = JSON.stringify(run);
      const previous = this.seen.get(runKey);
      if (previous !== fingerprint) {
        this.seen.set(runKey, fingerprint);
        if (!first) this.emit('run', run);
        changed = true;
      }
      // Finished runs change only when cleared, which changes the run too.
      if (previous === fingerprint && FINISHED_RUN_STATES.has(run.state)) continue;
      for (const ti of this.store.listTaskInstances(run.dagId, run.runId)) {
        const tiKey = `${runKey}\u0000${ti.taskId}`;
        const tiPrint = JSON.stringify(ti);
        if (this.seen.get(tiKey) === tiPrint) continue;
        this.seen.set(tiKey, tiPrint);
        if (!first) this.emit('taskInstance', ti);
      }
    }
    for (const dag of this.store.listDags()) {
      const dagKey = `dag\u0000${dag.dagId}`;
      if (this.seen.get(dagKey) !== String(dag.isPaused)) {
        this.seen.set(dagKey, String(dag.isPaused));
        changed = true;
      }
    }
    if (changed && !first) this.emit('changed', undefined);
  }

  /** Stops the scheduler (running tasks get `graceMs` to finish, then are killed and recorded) and releases the lock. */
  async close(graceMs = 3_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.emitter.removeAllListeners();
    if (this.engine) {
      await this.scheduler.stop(graceMs);
      await this.engine.close();
    } else {
      await this.store.close();
    }
  }
}
