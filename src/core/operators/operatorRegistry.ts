import { COMMON_TASK_KEYS, type TaskSpec } from '../dag/dagFile';
import { failedBeforeStart } from '../executor/failedBeforeStart';
import type { Operator, RunningTask, TaskRunContext } from '../executor/taskExecution';
import { renderTemplates } from '../template/renderTemplate';
import { bashOperator } from './bashOperator';
import { emptyOperator } from './emptyOperator';
import { httpOperator } from './httpOperator';
import { kafkaConsumeOperator } from './kafkaConsumeOperator';
import { kafkaProduceOperator } from './kafkaProduceOperator';
import { kafkaSensorOperator } from './kafkaSensorOperator';
import { kafkaSinkOperator } from './kafkaSinkOperator';
import { nodeOperator } from './nodeOperator';
import { pythonOperator } from './pythonOperator';
import { sqlOperator } from './sqlOperator';

const OPERATORS: ReadonlyMap<string, Operator> = new Map(
  [
    emptyOperator,
    bashOperator,
    pythonOperator,
    nodeOperator,
    httpOperator,
    kafkaProduceOperator,
    kafkaConsumeOperator,
    kafkaSinkOperator,
    kafkaSensorOperator,
    sqlOperator,
  ].map((operator) => [operator.name, operator]),
);

/**
 * Task keys that belong to the scheduler, not to the operator: they are never templates, as in
 * Airflow, where only an operator's `template_fields` are rendered.
 */
const SCHEDULING_KEYS: ReadonlySet<string> = new Set(COMMON_TASK_KEYS);

/** The operator that runs tasks of this kind, if this build has one. */
export function getOperator(name: string): Operator | undefined {
  return OPERATORS.get(name);
}

/**
 * Starts one try of a task: renders its operator arguments (`{{ ds }}`, `{{ params.x }}`,
 * `{{ ti.xcom_pull('a') }}`...) and hands the result to the operator. Never throws: an unknown
 * operator, a template error or invalid arguments give a try that has already failed, with the
 * reason in its outcome and its log.
 */
export function startTask(task: TaskSpec, context: TaskRunContext): RunningTask {
  const operator = OPERATORS.get(task.operator);
  if (!operator) {
    const known = [...OPERATORS.keys()].join(', ');
    return failedBeforeStart(
      context,
      'engine',
      new Error(
        `Task "${task.task_id}" uses the operator "${task.operator}", which this version of Dagstream cannot run (it runs: ${known}).`,
      ),
    );
  }
  let rendered: TaskSpec;
  try {
    rendered = renderTaskArguments(task, operator, context);
  } catch (error) {
    return failedBeforeStart(context, operator.name, error);
  }
  try {
    return operator.start(rendered, context);
  } catch (error) {
    // Operators report failures through their outcome; a throw is a bug, but it fails the try, not the engine.
    return failedBeforeStart(context, operator.name, new Error(`Internal error while starting the task: ${(error as Error).message}`));
  }
}

function renderTaskArguments(task: TaskSpec, operator: Operator, context: TaskRunContext): TaskSpec {
  const untemplated = new Set(operator.untemplatedArguments ?? []);
  let rendered: TaskSpec | undefined;
  const options = { native: context.renderTemplateAsNativeObj === true };
  for (const [key, value] of Object.entries(task)) {
    if (SCHEDULING_KEYS.has(key) || untemplated.has(key) || value === null || typeof value === 'number' || typeof value === 'boolean')
      continue;
    const output = renderTemplates(value, context.template, { ...options, argument: key });
    if (output === value) continue;
    // Copy on first change only: most tasks of a big DAG have nothing to render.
    rendered ??= { ...task };
    rendered[key] = output;
  }
  return rendered ?? task;
}
