/**
 * Task instance and DAG run states, with Apache Airflow's names and meanings
 * (airflow/utils/state.py). Each state says who sets it.
 */
export const TASK_STATES = [
  /** No state yet: the run was created and the scheduler has not looked at the task. */
  'none',
  /** Set by the scheduler: dependencies are met, the task waits for a slot. */
  'scheduled',
  /** Set by the scheduler: handed to the executor, waiting for its process to start. */
  'queued',
  /** Set by the executor: the task's process is running. */
  'running',
  /** Set by the executor: the try finished successfully. */
  'success',
  /** Set by the executor or a user: the try failed and no retry is left. */
  'failed',
  /** Set by the executor: the try failed, a retry will follow after the retry delay. */
  'up_for_retry',
  /** Set by a sensor in reschedule mode: it releases its slot and is checked again later. */
  'up_for_reschedule',
  /** Set by the scheduler: an upstream failure makes the trigger rule impossible. */
  'upstream_failed',
  /** Set by the scheduler or the task (bash exit code 99): the task will not run. */
  'skipped',
  /** Set by the scheduler: the task no longer exists in the DAG file. */
  'removed',
  /** Set by a user clearing a running task: it will be killed and run again. */
  'restarting',
  /** Set by a deferrable task: it waits on a trigger without holding a slot. */
  'deferred',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const RUN_STATES = ['queued', 'running', 'success', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** A task in one of these states will not change again unless a user clears or marks it. */
export const FINISHED_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'success',
  'failed',
  'skipped',
  'upstream_failed',
  'removed',
]);

/** States in which a task still has work ahead of it. */
export const UNFINISHED_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'none',
  'scheduled',
  'queued',
  'running',
  'up_for_retry',
  'up_for_reschedule',
  'restarting',
  'deferred',
]);

/** States that count as failed for trigger rules and for a run's outcome. */
export const FAILED_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>(['failed', 'upstream_failed']);

/** States that count as success for a run's outcome (Airflow: a skipped leaf does not fail a run). */
export const SUCCESS_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>(['success', 'skipped']);

/** States that hold a slot of the parallelism, max_active_tasks and pool limits. */
export const SLOT_HOLDING_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>(['queued', 'running']);

export const FINISHED_RUN_STATES: ReadonlySet<RunState> = new Set<RunState>(['success', 'failed']);

export function isFinishedTaskState(state: TaskState): boolean {
  return FINISHED_TASK_STATES.has(state);
}

export function isTaskState(value: unknown): value is TaskState {
  return typeof value === 'string' && (TASK_STATES as readonly string[]).includes(value);
}
