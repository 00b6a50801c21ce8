import type { TaskSpec } from '../dag/dagFile';

/**
 * What an operator needs to run one try of one task, and what it reports back. The scheduler
 * builds the context; operators never touch the metadata store directly.
 */

/** The values available to `{{ ... }}` templates, with Airflow's names. */
export interface TemplateContext {
  /** Logical date as YYYY-MM-DD. */
  ds: string;
  ds_nodash: string;
  /** Logical date as an ISO timestamp with offset, e.g. `2026-11-25T13:00:00+00:00`. */
  ts: string;
  ts_nodash: string;
  logical_date: string;
  data_interval_start: string;
  data_interval_end: string;
  run_id: string;
  /** Airflow's `dag_run`: the run's identity, type, dates and conf (its params here). */
  dag_run: {
    dag_id: string;
    run_id: string;
    run_type: string;
    logical_date: string;
    data_interval_start: string;
    data_interval_end: string;
    conf: Record<string, unknown>;
  };
  dag: { dag_id: string };
  task: { task_id: string; operator: string };
  params: Record<string, unknown>;
  ti: {
    task_id: string;
    try_number: number;
    /** Airflow's `ti.xcom_pull(task_ids, key='return_value')`; a list of ids gives a list of values. */
    xcom_pull(taskIds: string | string[], key?: string): unknown;
  };
}

/** Everything about the try being started. */
export interface TaskRunContext {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  maxTries: number;
  /** Absolute workspace folder: default cwd, and the base of `code_file` paths. */
  workspaceDir: string;
  /** Absolute path of this try's log file; the operator appends the task's output to it. */
  logFile: string;
  /** Kill the try and fail it after this long; undefined = no limit. */
  executionTimeoutMs?: number;
  template: TemplateContext;
  /** Interpreter settings (`dagstream.pythonPath` and friends); defaults apply when absent. */
  interpreters?: { python?: string; node?: string; bash?: string };
  /** Time between SIGTERM and SIGKILL when the try is killed or times out; default 5 s. */
  killGraceMs?: number;
  /** Airflow's DAG-level `render_template_as_native_obj`: `"{{ expr }}"` arguments keep their type. */
  renderTemplateAsNativeObj?: boolean;
  /**
   * Streaming tasks (Kafka consume/sink, sensors) report how far they are while they run; the
   * scheduler forwards each report as a `taskProgress` event (the canvas shows messages/s and lag).
   */
  reportProgress?: (progress: TaskProgress) => void;
  /**
   * Set when this start continues a try that a sensor rescheduled: when its first check started
   * (ISO date-time). A sensor's `timeout` counts from there, as Airflow's does from its first
   * task_reschedule.
   */
  rescheduledSince?: string;
}

/** A running streaming task's figures, all optional; sent about once a second at most. */
export interface TaskProgress {
  /** Messages handled so far in this try. */
  messages?: number;
  /** Recent rate, messages per second. */
  messagesPerSecond?: number;
  /** Messages behind the end offsets (summed over partitions). */
  lag?: number;
  /** Malformed messages sent to the dead-letter table so far. */
  deadLetters?: number;
  /** Next offset to read per `topic/partition`. */
  offsets?: Record<string, number>;
  /** A short human-readable status, e.g. "waiting for new messages on orders". */
  note?: string;
}

/**
 * How a try ended. `skipped` is Airflow's AirflowSkipException (bash exit code 99).
 * `up_for_reschedule` is a sensor in reschedule mode whose condition is not met yet: the try
 * gives back its slot and the scheduler starts it again at `rescheduleAt`, as the same try.
 */
export interface TaskOutcome {
  state: 'success' | 'failed' | 'skipped' | 'up_for_reschedule';
  /** With `up_for_reschedule`: when to check again (ISO date-time). */
  rescheduleAt?: string;
  /** The task's return value (its `return_value` XCom); must be JSON-serialisable. */
  xcom?: unknown;
  /** Why the try failed, in a sentence that says what to do where it can. */
  error?: string;
  /** A note on a success or skip, e.g. why the task skipped itself; shown beside the state. */
  message?: string;
  exitCode?: number;
  /** True when the try was stopped by its execution timeout. */
  timedOut?: boolean;
  /** Fail without using the remaining retries (Airflow's AirflowFailException). */
  noRetry?: boolean;
}

/** A try that has been started. */
export interface RunningTask {
  /** Process group leader of the task's process tree; undefined for in-process operators and until `started`. */
  readonly pid: number | undefined;
  /** Identity of that process (start time from /proc), stored so a reused PID is never killed. */
  readonly processToken: string | undefined;
  /** Settles once `pid` and `processToken` are known (or the start failed); absent when they are known at once. */
  readonly started?: Promise<void>;
  /** Settles when the try has ended and every process of it is gone. Never rejects. */
  readonly outcome: Promise<TaskOutcome>;
  /** Stops the try (the whole process tree: SIGTERM, then SIGKILL after a grace period). */
  kill(reason: string): void;
}

/** One task kind. `start` must not block: user code runs in child processes. */
export interface Operator {
  readonly name: string;
  /** Arguments that are not templates (e.g. a python task's `code`, which gets the context instead). */
  readonly untemplatedArguments?: readonly string[];
  start(task: TaskSpec, context: TaskRunContext): RunningTask;
}
