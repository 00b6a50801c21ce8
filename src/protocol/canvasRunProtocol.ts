/**
 * The running half of the DAG canvas's contract: run controls, live task states on the nodes and
 * the per-task detail panel (log, XCom, "why is this not running?"). Same conventions as
 * `dagCanvasProtocol.ts`: a `type` literal on every message, guards on both sides.
 */

/** Task instance states, as the engine names them (Airflow's). */
export type TaskStateName =
  | 'none'
  | 'scheduled'
  | 'queued'
  | 'running'
  | 'success'
  | 'failed'
  | 'up_for_retry'
  | 'up_for_reschedule'
  | 'upstream_failed'
  | 'skipped'
  | 'removed'
  | 'restarting'
  | 'deferred';

export type RunStateName = 'queued' | 'running' | 'success' | 'failed';

/** One task instance of the shown run, as a node draws it. */
export interface TaskRunStateDto {
  taskId: string;
  state: TaskStateName;
  tryNumber: number;
  maxTries: number;
  queuedAt?: string;
  startDate?: string;
  endDate?: string;
  durationMs?: number;
  error?: string;
  /** Streaming tasks: the latest progress report of the running try. */
  messagesPerSecond?: number;
  lag?: number;
}

export interface RunSummaryDto {
  runId: string;
  runType: 'manual' | 'scheduled' | 'backfill';
  state: RunStateName;
  logicalDate: string;
  queuedAt: string;
  startDate?: string;
  endDate?: string;
  note?: string;
}

/** What the run controls can do now, and why not when they cannot. */
export interface RunEngineStatusDto {
  /** False in an untrusted workspace, when the DAG file has problems, or when the engine failed to open. */
  canRun: boolean;
  /** Why the controls are disabled, in words for the user. */
  reason?: string;
  /** `local`: this window's scheduler; `remote`: a scheduler in another process (through its request inbox). */
  mode: 'local' | 'remote' | 'off';
  /** Said in the toolbar's tooltip: who runs the tasks. */
  detail?: string;
  dagId?: string;
  paused: boolean;
}

// ---- webview -> host --------------------------------------------------------------------------

export interface RunReadyCommand {
  type: 'run/ready';
}

/** Params as the form has them (text); the host parses and checks them against their schemas. */
export interface TriggerRunCommand {
  type: 'run/trigger';
  params: Record<string, string>;
}

export interface SetPausedCommand {
  type: 'run/setPaused';
  paused: boolean;
}

/** `runId` undefined: follow the latest run. */
export interface SelectRunCommand {
  type: 'run/select';
  runId?: string;
}

export type TaskActionName = 'log' | 'xcom' | 'why' | 'clear' | 'clearDownstream' | 'markSuccess' | 'markFailed' | 'runTaskOnly';

export interface TaskActionCommand {
  type: 'run/taskAction';
  action: TaskActionName;
  taskId: string;
  /** For `log`: the try to show; the latest (and following it) when absent. */
  tryNumber?: number;
}

export interface CloseDetailCommand {
  type: 'run/closeDetail';
}

export interface OpenRunViewsCommand {
  type: 'run/openRunViews';
}

export type CanvasRunCommand =
  RunReadyCommand | TriggerRunCommand | SetPausedCommand | SelectRunCommand | TaskActionCommand | CloseDetailCommand | OpenRunViewsCommand;

// ---- host -> webview --------------------------------------------------------------------------

export interface DidChangeRunEngineNotification {
  type: 'run/didChangeEngine';
  status: RunEngineStatusDto;
}

/** The DAG's runs, newest first, and which one the canvas shows. */
export interface DidChangeRunsNotification {
  type: 'run/didChangeRuns';
  runs: RunSummaryDto[];
  selectedRunId?: string;
  followLatest: boolean;
}

/**
 * Task states of the shown run. `reset`: this is every task of `runId` (a new run was selected);
 * otherwise only the tasks that changed since the last notification (the last state of each wins).
 */
export interface DidChangeTaskStatesNotification {
  type: 'run/didChangeTaskStates';
  runId: string;
  reset: boolean;
  states: TaskRunStateDto[];
}

/** The detail panel: a task's log (one try), XComs or the engine's explanation. */
export interface DidShowDetailNotification {
  type: 'run/didShowDetail';
  kind: 'log' | 'xcom' | 'why';
  runId: string;
  taskId: string;
  /** Log: the try shown, and every try there is. */
  tryNumber?: number;
  tries?: number[];
  /** Log: true while the panel follows the latest try as it runs. */
  following?: boolean;
  text: string;
}

/** More text of the log the detail panel shows. */
export interface DidAppendLogNotification {
  type: 'run/didAppendLog';
  runId: string;
  taskId: string;
  tryNumber: number;
  text: string;
}

/** The outcome of an action, for the notice bar. */
export interface DidReportNotification {
  type: 'run/didReport';
  ok: boolean;
  message: string;
}

export type CanvasRunNotification =
  | DidChangeRunEngineNotification
  | DidChangeRunsNotification
  | DidChangeTaskStatesNotification
  | DidShowDetailNotification
  | DidAppendLogNotification
  | DidReportNotification;

const TASK_ACTIONS: ReadonlySet<string> = new Set<TaskActionName>([
  'log',
  'xcom',
  'why',
  'clear',
  'clearDownstream',
  'markSuccess',
  'markFailed',
  'runTaskOnly',
]);
const NOTIFICATION_TYPES: ReadonlySet<string> = new Set<CanvasRunNotification['type']>([
  'run/didChangeEngine',
  'run/didChangeRuns',
  'run/didChangeTaskStates',
  'run/didShowDetail',
  'run/didAppendLog',
  'run/didReport',
]);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** Narrows a message from the webview; anything else is ignored by the host. */
export function isCanvasRunCommand(value: unknown): value is CanvasRunCommand {
  const message = record(value);
  if (!message) return false;
  switch (message.type) {
    case 'run/ready':
    case 'run/closeDetail':
    case 'run/openRunViews':
      return true;
    case 'run/trigger': {
      const params = record(message.params);
      return params !== undefined && Object.values(params).every((v) => typeof v === 'string');
    }
    case 'run/setPaused':
      return typeof message.paused === 'boolean';
    case 'run/select':
      return message.runId === undefined || typeof message.runId === 'string';
    case 'run/taskAction':
      return (
        typeof message.action === 'string' &&
        TASK_ACTIONS.has(message.action) &&
        typeof message.taskId === 'string' &&
        (message.tryNumber === undefined || Number.isInteger(message.tryNumber))
      );
    default:
      return false;
  }
}

/** Narrows a message from the host; anything else is ignored by the webview. */
export function isCanvasRunNotification(value: unknown): value is CanvasRunNotification {
  const message = record(value);
  return message !== undefined && typeof message.type === 'string' && NOTIFICATION_TYPES.has(message.type);
}
