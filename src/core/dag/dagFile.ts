/**
 * The `*.dag.json` file format, version 1.
 *
 * Keys use Apache Airflow's names so that Airflow users recognise them and so that export to
 * an Airflow Python file is a direct mapping. The text document is the source of truth; these
 * types describe what a valid document contains once parsed; `schemas/dag.schema.json` is the
 * complete description, operator arguments included (see dagSchema.ts).
 */

/** The only file format version this build reads and writes. */
export const DAG_FILE_VERSION = 1;

/** The file name suffix that marks a DAG file in a workspace. */
export const DAG_FILE_SUFFIX = '.dag.json';

/** Durations are seconds, or strings such as `"30s"`, `"5m"`, `"1h30m"` (see parseDuration.ts). */
export type Duration = number | string;

/** Airflow's trigger rules: when a task may run given the states of its upstream tasks. */
export const TRIGGER_RULES = [
  'all_success',
  'all_failed',
  'all_done',
  'all_skipped',
  'one_success',
  'one_failed',
  'one_done',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'always',
] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

/** Task kinds the engine knows. Each declares its own config schema. */
export const OPERATORS = [
  'empty',
  'bash',
  'python',
  'node',
  'http',
  'sql',
  'kafka.produce',
  'kafka.consume',
  'kafka.sink',
  'sensor.kafka',
  'sensor.sql',
  'sensor.file',
] as const;
export type OperatorName = (typeof OPERATORS)[number];

/**
 * Task keys that belong to the scheduler and the canvas, not to the operator, in the order the
 * canvas writes them. Everything else on a task is an operator argument.
 */
export const COMMON_TASK_KEYS = [
  'task_id',
  'operator',
  'upstream',
  'trigger_rule',
  'retries',
  'retry_delay',
  'retry_exponential_backoff',
  'max_retry_delay',
  'execution_timeout',
  'pool',
  'pool_slots',
  'priority_weight',
  'doc_md',
  'position',
] as const;

/** Defaults applied to every task that does not set the key itself (Airflow's `default_args`). */
export interface DefaultArgs {
  retries?: number;
  retry_delay?: Duration;
  retry_exponential_backoff?: boolean;
  max_retry_delay?: Duration;
  execution_timeout?: Duration;
  [key: string]: unknown;
}

/** Where a node sits on the canvas; saved so that the layout is part of the reviewed file. */
export interface CanvasPosition {
  x: number;
  y: number;
}

/**
 * One task. Operator arguments (for example `bash_command` for `bash`) sit directly on the task,
 * named as in Airflow, hence the index signature.
 */
export interface TaskSpec {
  task_id: string;
  operator: string;
  upstream?: string[];
  trigger_rule?: TriggerRule;
  retries?: number;
  retry_delay?: Duration;
  retry_exponential_backoff?: boolean;
  max_retry_delay?: Duration;
  execution_timeout?: Duration;
  pool?: string;
  pool_slots?: number;
  priority_weight?: number;
  doc_md?: string;
  position?: CanvasPosition;
  [argument: string]: unknown;
}

/** A whole DAG file. */
export interface DagFile {
  version: typeof DAG_FILE_VERSION;
  dag_id: string;
  description?: string;
  /** A cron expression, an `@hourly`-style preset, or null for manually triggered DAGs. */
  schedule: string | null;
  start_date?: string;
  end_date?: string;
  catchup?: boolean;
  max_active_runs?: number;
  max_active_tasks?: number;
  /** Run parameters: name -> JSON Schema with a default. */
  params?: Record<string, Record<string, unknown>>;
  default_args?: DefaultArgs;
  tags?: string[];
  /** Templates that render to JSON keep its type (Airflow's NativeEnvironment) instead of becoming strings. */
  render_template_as_native_obj?: boolean;
  tasks: TaskSpec[];
}
