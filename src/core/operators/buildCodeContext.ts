import type { TaskSpec } from '../dag/dagFile';
import type { TaskRunContext } from '../executor/taskExecution';

/**
 * What a python or node task's `main(context)` receives, as JSON: the template context's values
 * (`ds`, `ts`, `params`, `run_id`, ...), the task instance's identity, and the return values of
 * the task's upstream tasks.
 *
 * `ti.xcom_pull` cannot call back into the engine from another process, so the engine pulls the
 * XComs of the task's `upstream` tasks before it starts and the runner serves `ti.xcom_pull` from
 * them. Pulling a task that is not upstream is an error that says to add it to `upstream`
 * (which is also what guarantees, in Airflow as here, that the value exists when the task runs).
 */
export interface CodeTaskContext {
  context: Record<string, unknown>;
  ti: { task_id: string; try_number: number; max_tries: number; dag_id: string; run_id: string };
  /** Upstream task id -> its return value (null when it returned none). */
  xcoms: Record<string, unknown>;
}

export function buildCodeContext(task: TaskSpec, context: TaskRunContext, extra: Record<string, unknown> = {}): CodeTaskContext {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context.template)) {
    if (key !== 'ti' && typeof value !== 'function') values[key] = value;
  }
  const xcoms: Record<string, unknown> = {};
  for (const upstream of task.upstream ?? []) xcoms[upstream] = context.template.ti.xcom_pull(upstream) ?? null;
  return {
    context: { ...values, ...extra },
    ti: {
      task_id: context.taskId,
      try_number: context.tryNumber,
      max_tries: context.maxTries,
      dag_id: context.dagId,
      run_id: context.runId,
    },
    xcoms,
  };
}
