import type { TaskRunContext } from './taskExecution';

/**
 * The environment of a task's process, as Airflow builds it (BashOperator.get_env): the engine's
 * environment plus the task's `env`, or, when `inherit` is false, only the task's `env`; then, in
 * both cases, the `AIRFLOW_CTX_*` variables that scripts written for Airflow read.
 */
export function buildTaskEnv(context: TaskRunContext, taskEnv: Record<string, string> | undefined, inherit = true): NodeJS.ProcessEnv {
  // One copy: reading process.env is the slow part (each variable is a call into the runtime).
  return inherit
    ? { ...process.env, ...taskEnv, ...airflowContextVariables(context) }
    : { ...taskEnv, ...airflowContextVariables(context) };
}

/** Airflow's names (airflow.utils.operator_helpers): Airflow 3 and, for older scripts, Airflow 2. */
export function airflowContextVariables(context: TaskRunContext): Record<string, string> {
  return {
    AIRFLOW_CTX_DAG_ID: context.dagId,
    AIRFLOW_CTX_TASK_ID: context.taskId,
    AIRFLOW_CTX_DAG_RUN_ID: context.runId,
    AIRFLOW_CTX_RUN_ID: context.runId,
    AIRFLOW_CTX_TRY_NUMBER: String(context.tryNumber),
    AIRFLOW_CTX_LOGICAL_DATE: context.template.ts,
    AIRFLOW_CTX_EXECUTION_DATE: context.template.ts,
  };
}
