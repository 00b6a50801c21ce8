import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseDagText } from '../../core/dag/parseDagText';
import type { EngineRequest } from '../../core/engine/engineRequests';
import { followLogFile, type StopFollowing } from '../../core/scheduler/followLogFile';
import { tryLogPath } from '../../core/scheduler/logPaths';
import type { DagRunRecord, TaskInstanceRecord } from '../../core/store/metadataRecords';
import {
  isCanvasRunCommand,
  type CanvasRunCommand,
  type CanvasRunNotification,
  type RunEngineStatusDto,
  type RunSummaryDto,
  type TaskActionCommand,
  type TaskRunStateDto,
} from '../../protocol/canvasRunProtocol';
import type { EngineService } from '../engine/EngineService';
import { LatestByKeyCoalescer } from '../engine/LatestByKeyCoalescer';
import type { WorkspaceEngine } from '../engine/WorkspaceEngine';
import { loadExtensionServices } from '../services/loadExtensionServices';
import { TASK_STATE_STEPS } from './taskStateSteps';

const RUN_LIST_LIMIT = 50;
/** The first screenful of a long log; the panel follows from its end. */
const LOG_HEAD_BYTES = 512 * 1024;

interface LogDetail {
  runId: string;
  taskId: string;
  tryNumber: number;
  /** Switch to each new try as it starts (false once the user picked a try). */
  following: boolean;
  stop: StopFollowing | undefined;
}

/**
 * The running half of one canvas: run controls, the shown run's task states on the nodes, and the
 * detail panel (a try's log, XComs, the engine's explanation). Task state changes are coalesced
 * per frame-sized window, keeping each task's distinct states in order (the last update of each),
 * so a burst of changes cannot flood the webview, short-lived states such as queued still reach
 * it, and the final state always arrives.
 */
export class CanvasRunController implements vscode.Disposable {
  private engine: WorkspaceEngine | undefined;
  private unavailableReason: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private engineSubscriptions: Array<() => void> = [];
  private selectedRunId: string | undefined;
  private shownRunId: string | undefined;
  private readonly states = new Map<string, TaskRunStateDto>();
  private readonly stateCoalescer: LatestByKeyCoalescer<TaskRunStateDto>;
  private readonly runsCoalescer: LatestByKeyCoalescer<true>;
  /** The runs in the list the webview was last sent. */
  private listedRunIds = new Set<string>();
  private log: LogDetail | undefined;
  private disposed = false;

  constructor(
    readonly document: vscode.TextDocument,
    private readonly webview: vscode.Webview,
    private readonly service: EngineService,
    /** Opens the run views panel on this DAG. */
    private readonly openRunViews: (dagId: string, runId: string | undefined) => void,
  ) {
    this.stateCoalescer = new LatestByKeyCoalescer(
      (states) => {
        if (this.shownRunId) this.post({ type: 'run/didChangeTaskStates', runId: this.shownRunId, reset: false, states });
      },
      16,
      TASK_STATE_STEPS,
    );
    this.runsCoalescer = new LatestByKeyCoalescer(() => this.postRuns(), 50);
    this.subscriptions.push(
      webview.onDidReceiveMessage((message: unknown) => {
        if (isCanvasRunCommand(message)) void this.handle(message);
      }),
      service.onDidChange(() => void this.refreshStatus()),
    );
  }

  private parsedDagId: { version: number; dagId: string | undefined } | undefined;

  /** The document's dag_id; parsed once per document version (asked for every engine event). */
  get dagId(): string | undefined {
    if (this.parsedDagId?.version !== this.document.version)
      this.parsedDagId = { version: this.document.version, dagId: parseDagText(this.document.getText()).dag?.dag_id };
    return this.parsedDagId.dagId;
  }

  /** The run the canvas shows (for the run views and commands). */
  get currentRunId(): string | undefined {
    return this.shownRunId;
  }

  /** Shows `runId` (undefined: the latest run, following new ones). */
  selectRun(runId: string | undefined): void {
    this.selectedRunId = runId;
    this.postRuns();
  }

  dispose(): void {
    this.disposed = true;
    this.stopLog();
    this.stateCoalescer.dispose();
    this.runsCoalescer.dispose();
    for (const off of this.engineSubscriptions) off();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }

  private post(message: CanvasRunNotification): void {
    if (!this.disposed) void this.webview.postMessage(message);
  }

  private report(ok: boolean, message: string): void {
    this.post({ type: 'run/didReport', ok, message });
  }

  /** Opens the engine on first need and subscribes to it. */
  private async ensureEngine(): Promise<WorkspaceEngine | undefined> {
    const lookup = await this.service.engineFor(this.document.uri);
    if (this.disposed) return undefined;
    if (!lookup.ok) {
      this.unavailableReason = lookup.reason;
      if (this.engine) this.detachEngine();
      return undefined;
    }
    this.unavailableReason = undefined;
    if (this.engine !== lookup.engine) {
      this.detachEngine();
      this.engine = lookup.engine;
      this.engineSubscriptions = [
        lookup.engine.on('taskInstance', (ti) => this.onTaskInstance(ti)),
        lookup.engine.on('run', (run) => {
          if (run.dagId !== this.dagId) return;
          this.runsCoalescer.push('runs', true);
          // A new run while following the latest: shown at once (see onTaskInstance).
          if (this.selectedRunId === undefined && !this.listedRunIds.has(run.runId)) this.runsCoalescer.flush();
        }),
        lookup.engine.on('taskProgress', (e) => {
          if (e.dagId !== this.dagId || e.runId !== this.shownRunId) return;
          const state = this.states.get(e.taskId);
          if (!state) return;
          const next: TaskRunStateDto = { ...state };
          if (e.progress.messagesPerSecond !== undefined) next.messagesPerSecond = e.progress.messagesPerSecond;
          if (e.progress.lag !== undefined) next.lag = e.progress.lag;
          this.states.set(e.taskId, next);
          this.stateCoalescer.push(e.taskId, next);
        }),
      ];
    }
    return this.engine;
  }

  private detachEngine(): void {
    for (const off of this.engineSubscriptions) off();
    this.engineSubscriptions = [];
    this.engine = undefined;
  }

  private status(): RunEngineStatusDto {
    const dagId = this.dagId;
    const engine = this.engine;
    if (!engine) return { canRun: false, mode: 'off', reason: this.unavailableReason ?? 'Starting the scheduler…', paused: false };
    if (!dagId) return { canRun: false, mode: engine.mode, reason: 'This file has no dag_id yet.', paused: false };
    const known = engine.getDag(dagId) !== undefined;
    return {
      canRun: known,
      mode: engine.mode,
      detail: engine.detail,
      dagId,
      paused: engine.isPaused(dagId),
      ...(known ? {} : { reason: `The scheduler has not loaded DAG "${dagId}": save the file and fix the problems it reports.` }),
    };
  }

  private lastStatus = '';

  /** Sends the run controls' status when it changed (the service signals on every burst of activity). */
  private async refreshStatus(): Promise<void> {
    await this.ensureEngine();
    const status = this.status();
    const text = JSON.stringify(status);
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    this.post({ type: 'run/didChangeEngine', status });
  }

  private async handle(command: CanvasRunCommand): Promise<void> {
    switch (command.type) {
      case 'run/ready':
        // A webview shown again starts from nothing: send everything.
        this.lastStatus = '';
        this.shownRunId = undefined;
        this.stopLog();
        this.log = undefined;
        await this.refreshStatus();
        this.postRuns();
        return;
      case 'run/trigger':
        await this.trigger(command.params);
        return;
      case 'run/setPaused': {
        const dagId = this.dagId;
        if (dagId) await this.send({ kind: 'pause', dagId, paused: command.paused });
        await this.refreshStatus();
        return;
      }
      case 'run/select':
        this.selectRun(command.runId);
        return;
      case 'run/taskAction':
        await this.taskAction(command);
        return;
      case 'run/closeDetail':
        this.stopLog();
        this.log = undefined;
        return;
      case 'run/openRunViews': {
        const dagId = this.dagId;
        if (dagId) this.openRunViews(dagId, this.shownRunId);
        return;
      }
    }
  }

  /** Triggers a run of this DAG with `params` (text from the form or input boxes); saves the file first. */
  async trigger(params: Record<string, string>): Promise<boolean> {
    const engine = await this.ensureEngine();
    const dagId = this.dagId;
    if (!engine || !dagId) {
      this.report(false, this.status().reason ?? 'Cannot run this DAG now.');
      return false;
    }
    if (this.document.isDirty) await this.document.save();
    const problems = await engine.reloadDagFile(this.document.uri.fsPath);
    if (!engine.getDag(dagId)) {
      this.report(false, `DAG "${dagId}" cannot run until its problems are fixed: ${problems.join(' ')}`);
      return false;
    }
    // Follow the new run: the latest is what the user wants to watch.
    this.selectedRunId = undefined;
    return this.send({ kind: 'trigger', dagId, params });
  }

  private async send(request: EngineRequest): Promise<boolean> {
    const engine = await this.ensureEngine();
    if (!engine) {
      this.report(false, this.unavailableReason ?? 'The scheduler is not available.');
      return false;
    }
    const response = await engine.request(request);
    this.report(response.ok, response.ok ? response.message : response.error);
    if (response.ok) this.runsCoalescer.push('runs', true);
    return response.ok;
  }

  private runs(): DagRunRecord[] {
    const dagId = this.dagId;
    if (!this.engine || !dagId) return [];
    return this.engine.store.listRuns(dagId, { limit: RUN_LIST_LIMIT });
  }

  /** Sends the run list, and the shown run's states in full if the shown run changed. */
  private postRuns(): void {
    const runs = this.runs();
    this.listedRunIds = new Set(runs.map((r) => r.runId));
    const selected = this.selectedRunId && runs.some((r) => r.runId === this.selectedRunId) ? this.selectedRunId : undefined;
    const shown = selected ?? runs[0]?.runId;
    this.post({
      type: 'run/didChangeRuns',
      runs: runs.map(toRunSummary),
      ...(shown ? { selectedRunId: shown } : {}),
      followLatest: selected === undefined,
    });
    if (shown !== this.shownRunId) this.showRun(shown);
  }

  private showRun(runId: string | undefined): void {
    this.stateCoalescer.discard();
    this.states.clear();
    this.shownRunId = runId;
    const dagId = this.dagId;
    if (!runId || !dagId || !this.engine) {
      this.post({ type: 'run/didChangeTaskStates', runId: runId ?? '', reset: true, states: [] });
      return;
    }
    for (const ti of this.engine.store.listTaskInstances(dagId, runId)) this.states.set(ti.taskId, toTaskState(ti));
    this.post({ type: 'run/didChangeTaskStates', runId, reset: true, states: [...this.states.values()] });
  }

  private onTaskInstance(ti: TaskInstanceRecord): void {
    if (ti.dagId !== this.dagId) return;
    if (ti.runId !== this.shownRunId) {
      // A run the canvas does not know yet (just triggered): the run list brings it. Following the
      // latest run, it is shown at once rather than after the list's window, so that its first
      // tasks' first states (queued, in the scheduler's first pass) reach the canvas too.
      if (this.selectedRunId !== undefined) return;
      this.runsCoalescer.push('runs', true);
      if (this.listedRunIds.has(ti.runId)) return;
      this.runsCoalescer.flush();
      if (ti.runId !== this.shownRunId) return;
    }
    const previous = this.states.get(ti.taskId);
    const next = toTaskState(ti);
    if (ti.state === 'running' && previous?.tryNumber === ti.tryNumber) {
      if (previous.messagesPerSecond !== undefined) next.messagesPerSecond = previous.messagesPerSecond;
      if (previous.lag !== undefined) next.lag = previous.lag;
    }
    this.states.set(ti.taskId, next);
    this.stateCoalescer.push(ti.taskId, next);
    // A log panel following this task moves to the new try when it starts.
    const log = this.log;
    if (
      log &&
      log.following &&
      log.taskId === ti.taskId &&
      log.runId === ti.runId &&
      ti.tryNumber > log.tryNumber &&
      ti.state === 'running'
    )
      this.showLog(ti.taskId, undefined);
  }

  private async taskAction(command: TaskActionCommand): Promise<void> {
    const engine = await this.ensureEngine();
    const dagId = this.dagId;
    const runId = this.shownRunId;
    if (!engine || !dagId) {
      this.report(false, this.status().reason ?? 'The scheduler is not available.');
      return;
    }
    if (!runId) {
      this.report(false, `DAG "${dagId}" has no run yet: trigger one first.`);
      return;
    }
    const { taskId } = command;
    switch (command.action) {
      case 'log':
        this.showLog(taskId, command.tryNumber);
        return;
      case 'xcom': {
        const xcoms = engine.store.listXComs(dagId, runId).filter((x) => x.taskId === taskId);
        const text =
          xcoms.length === 0
            ? `Task "${taskId}" has pushed no XCom in run ${runId}.`
            : xcoms.map((x) => `${x.key}:\n${JSON.stringify(x.value, null, 2)}`).join('\n\n');
        this.post({ type: 'run/didShowDetail', kind: 'xcom', runId, taskId, text });
        return;
      }
      case 'why':
        this.post({
          type: 'run/didShowDetail',
          kind: 'why',
          runId,
          taskId,
          text: engine
            .explain(dagId, runId, taskId)
            .map((reason) => `• ${reason}`)
            .join('\n'),
        });
        return;
      case 'runTaskOnly':
        await this.testTask(engine, dagId, runId, taskId);
        return;
      case 'clear':
      case 'clearDownstream':
        await this.send({ kind: 'clear', dagId, runId, taskId, downstream: command.action === 'clearDownstream' });
        if (this.log?.taskId === taskId && this.log.runId === runId) this.log.following = true;
        return;
      case 'markSuccess':
      case 'markFailed':
        await this.send({ kind: 'mark', dagId, runId, taskId, state: command.action === 'markSuccess' ? 'success' : 'failed' });
        return;
    }
  }

  /**
   * "Run task only": the task alone, now, with the shown run's params, outside the scheduler and
   * its records (Airflow's `tasks test`); its log streams into the panel.
   */
  private async testTask(engine: WorkspaceEngine, dagId: string, runId: string, taskId: string): Promise<void> {
    const dag = engine.getDag(dagId);
    if (!dag) {
      this.report(false, `The scheduler has not loaded DAG "${dagId}": save the file and fix its problems first.`);
      return;
    }
    const params = engine.store.getRun(dagId, runId)?.params ?? {};
    this.stopLog();
    const label = 'task test (not recorded)';
    const detail: LogDetail = { runId: label, taskId, tryNumber: 1, following: false, stop: undefined };
    this.log = detail;
    this.post({
      type: 'run/didShowDetail',
      kind: 'log',
      runId: label,
      taskId,
      tryNumber: 1,
      tries: [1],
      following: true,
      text: `Running ${taskId} alone with the params of ${runId}; upstream tasks are not run and nothing is recorded.\n`,
    });
    const append = (text: string): void => {
      if (this.log === detail) this.post({ type: 'run/didAppendLog', runId: label, taskId, tryNumber: 1, text });
    };
    try {
      const outcome = await (
        await loadExtensionServices()
      ).testTaskAlone(engine.workspaceDir, dag, taskId, params, (_testRunId, _file, text) => append(text));
      const where = path.relative(engine.workspaceDir, outcome.logFile);
      append(`\n— ${taskId} ${outcome.state}${outcome.error ? `: ${outcome.error}` : ''} (log kept in ${where})\n`);
      this.report(outcome.state === 'success', `Ran ${taskId} alone: ${outcome.state}${outcome.error ? ` (${outcome.error})` : ''}.`);
    } catch (error) {
      this.report(false, `Could not run ${taskId} alone: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Shows a try's log (the latest when `tryNumber` is undefined, following new tries) and tails it. */
  private showLog(taskId: string, tryNumber: number | undefined): void {
    const engine = this.engine;
    const dagId = this.dagId;
    const runId = this.shownRunId;
    if (!engine || !dagId || !runId) return;
    this.stopLog();
    const tries = engine.store.listTries(dagId, runId, taskId).map((t) => t.tryNumber);
    const ti = engine.store.getTaskInstance(dagId, runId, taskId);
    const latest = Math.max(ti?.tryNumber ?? 0, ...tries);
    if (latest > 0 && !tries.includes(latest)) tries.push(latest);
    tries.sort((a, b) => a - b);
    const shown = tryNumber ?? latest;
    const following = tryNumber === undefined || tryNumber === latest;
    if (shown === 0) {
      this.log = { runId, taskId, tryNumber: 0, following: true, stop: undefined };
      this.post({
        type: 'run/didShowDetail',
        kind: 'log',
        runId,
        taskId,
        tryNumber: 0,
        tries,
        following: true,
        text: `Task "${taskId}" has not started in run ${runId} yet; its log appears here when it does.`,
      });
      return;
    }
    const file = path.join(engine.workspaceDir, tryLogPath(dagId, runId, taskId, shown));
    const { text, size } = readLogHead(file);
    this.post({ type: 'run/didShowDetail', kind: 'log', runId, taskId, tryNumber: shown, tries, following, text });
    const detail: LogDetail = { runId, taskId, tryNumber: shown, following, stop: undefined };
    // Tail the file from where the first read ended: the task's own process writes it, so this
    // works alike when another process runs the scheduler.
    detail.stop = followLogFile(
      file,
      (more) => {
        if (this.log === detail) this.post({ type: 'run/didAppendLog', runId, taskId, tryNumber: shown, text: more });
      },
      size,
    );
    this.log = detail;
  }

  private stopLog(): void {
    this.log?.stop?.();
    if (this.log) this.log.stop = undefined;
  }
}

function readLogHead(file: string): { text: string; size: number } {
  if (!existsSync(file)) return { text: '', size: 0 };
  try {
    const size = statSync(file).size;
    const buffer = readFileSync(file);
    if (size <= LOG_HEAD_BYTES) return { text: buffer.toString('utf8'), size };
    const tail = buffer.subarray(size - LOG_HEAD_BYTES).toString('utf8');
    return { text: `… (${Math.round((size - LOG_HEAD_BYTES) / 1024)} KB earlier in ${file})\n${tail}`, size };
  } catch (error) {
    return { text: `Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, size: 0 };
  }
}

export function toRunSummary(run: DagRunRecord): RunSummaryDto {
  return {
    runId: run.runId,
    runType: run.runType,
    state: run.state,
    logicalDate: run.logicalDate,
    queuedAt: run.queuedAt,
    ...(run.startDate ? { startDate: run.startDate } : {}),
    ...(run.endDate ? { endDate: run.endDate } : {}),
    ...(run.note ? { note: run.note } : {}),
  };
}

export function toTaskState(ti: TaskInstanceRecord): TaskRunStateDto {
  return {
    taskId: ti.taskId,
    state: ti.state,
    tryNumber: ti.tryNumber,
    maxTries: ti.maxTries,
    ...(ti.queuedAt ? { queuedAt: ti.queuedAt } : {}),
    ...(ti.startDate ? { startDate: ti.startDate } : {}),
    ...(ti.endDate ? { endDate: ti.endDate } : {}),
    ...(ti.durationMs !== undefined ? { durationMs: ti.durationMs } : {}),
    ...(ti.error ? { error: ti.error } : {}),
  };
}
