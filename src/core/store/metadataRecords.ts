import type { RunState, TaskState } from '../scheduler/taskStates';

/**
 * Rows of the metadata database (`<workspace>/.dagstream/metadata.sqlite`). Dates are ISO-8601
 * strings in UTC (`2026-11-25T13:00:00.000Z`) so that they sort as text and read well in sqlite3.
 */

/** A DAG the scheduler has seen, and whether it is paused. */
export interface DagRecord {
  dagId: string;
  /** Workspace-relative path of the `.dag.json` file. */
  fileLoc: string;
  isPaused: boolean;
  /** When the DAG file was last parsed successfully. */
  lastParsedAt: string;
}

/** How a run came to be; also the prefix of its run id (`manual__2026-11-25T13:00:00+00:00`). */
export type RunType = 'manual' | 'scheduled' | 'backfill';

export interface DagRunRecord {
  dagId: string;
  runId: string;
  runType: RunType;
  state: RunState;
  /** Airflow's logical date: the start of the data interval. */
  logicalDate: string;
  dataIntervalStart: string;
  dataIntervalEnd: string;
  /** The run's params after defaults and the trigger's overrides were applied and checked. */
  params: Record<string, unknown>;
  queuedAt: string;
  startDate?: string;
  endDate?: string;
  /** Set when a user cancelled the run or the scheduler gave up on it, saying why. */
  note?: string;
}

export interface TaskInstanceRecord {
  dagId: string;
  runId: string;
  taskId: string;
  state: TaskState;
  /** 0 before the first try; the number of the current or last try afterwards. */
  tryNumber: number;
  /** retries + 1. */
  maxTries: number;
  operator: string;
  pool: string;
  poolSlots: number;
  /** Effective priority (Airflow's `downstream` weight rule: own weight + all downstream weights). */
  priorityWeight: number;
  queuedAt?: string;
  startDate?: string;
  endDate?: string;
  durationMs?: number;
  /** Process (group leader) id of the running try, to find and kill orphans after a crash. */
  pid?: number;
  /** Identity of that process (its start time), so that a reused PID is never mistaken for it. */
  processToken?: string;
  /** When an `up_for_retry` or `up_for_reschedule` task may run again. */
  nextTryAt?: string;
  /** Why the last try failed, in a sentence (exit code, timeout, exception). */
  error?: string;
}

/** One attempt of a task instance; a task instance with retries has several. */
export interface TaskTryRecord {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  state: TaskState;
  startDate: string;
  endDate?: string;
  durationMs?: number;
  pid?: number;
  exitCode?: number;
  error?: string;
  /** Workspace-relative path of this try's log: `.dagstream/logs/<dag>/<run>/<task>/<try>.log`. */
  logPath: string;
}

/** A value a task returned or pushed; `return_value` is the key of a task's return value. */
export interface XComRecord {
  dagId: string;
  runId: string;
  taskId: string;
  key: string;
  value: unknown;
  timestamp: string;
}

/** A named pool of slots shared by the tasks that name it; `default_pool` always exists. */
export interface PoolRecord {
  name: string;
  slots: number;
  description?: string;
}
