import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JSONPath, Node } from 'jsonc-parser';
import { closestMatch } from './closestMatch';
import { createSchemaAjv } from './createSchemaAjv';
import { DAG_FILE_VERSION, OPERATORS, TRIGGER_RULES } from './dagFile';
import { loadDagSchema } from './dagSchema';
import { describeSchemaError, formatValue, type SchemaErrorLocation } from './describeSchemaError';
import type { ProblemCollector } from './ProblemCollector';
import { reportSchemaErrors } from './reportSchemaErrors';

// Compiling the schema takes tens of milliseconds; validation runs on every keystroke. Compile
// once per process, on first use, so that loading the module stays free.
let validator: ValidateFunction | undefined;

function dagValidator(): ValidateFunction {
  validator ??= createSchemaAjv('strict').compile(loadDagSchema());
  return validator;
}

/**
 * Checks a DAG document against `schemas/dag.schema.json` and reports each violation at the
 * offending value (a missing key at its object's opening brace), worded for DAG authors.
 */
export function checkDagSchema(root: Node, document: unknown, problems: ProblemCollector): void {
  const validate = dagValidator();
  if (validate(document)) return;
  const defaultArgs = asRecord(asRecord(document).default_args);
  reportSchemaErrors(validate.errors ?? [], { node: root, path: [] }, document, problems, (error, path, location) => {
    // Airflow applies default_args to every operator argument, so a required one may live there.
    if (
      error.keyword === 'required' &&
      path[0] === 'tasks' &&
      path.length === 2 &&
      isInheritable(String(error.params.missingProperty), defaultArgs)
    )
      return undefined;
    return classify(error, path, location);
  });
}

/**
 * The problem code and message. The keys every DAG file has get their own codes and messages
 * (tests, quick fixes and the canvas key on them); the rest are `schema-<keyword>`.
 */
function classify(error: ErrorObject, path: JSONPath, location: SchemaErrorLocation): { code: string; message: string } {
  const generic = { code: `schema-${error.keyword}`, message: describeSchemaError(error, location) };
  const missing = error.keyword === 'required' ? String(error.params.missingProperty) : undefined;
  const [first, second, third] = path;
  if (path.length === 0) {
    if (missing === 'version') return { code: 'missing-version', message: `Missing "version": add "version": ${DAG_FILE_VERSION}.` };
    if (missing === 'dag_id')
      return { code: 'missing-dag-id', message: 'Missing "dag_id": give the DAG a unique name of letters, digits, "_", "." and "-".' };
    if (missing === 'tasks') return { code: 'missing-tasks', message: 'Missing "tasks": add a list of tasks (it may be empty).' };
    if (error.keyword === 'type')
      return { code: 'not-an-object', message: 'A DAG file must be a JSON object with "version", "dag_id" and "tasks".' };
    return generic;
  }
  if (path.length === 1) {
    if (first === 'version') {
      return {
        code: 'unsupported-version',
        message: `Unsupported DAG file version ${formatValue(error.data)}: this build of Dagstream reads version ${DAG_FILE_VERSION}. Update Dagstream or change the file's version.`,
      };
    }
    if (first === 'dag_id') return { code: 'invalid-dag-id', message: generic.message };
    if (first === 'tasks') return { code: 'invalid-tasks', message: '"tasks" must be a list of task objects.' };
    if (first === 'schedule') return { code: 'invalid-schedule', message: generic.message };
  }
  if (first === 'params' && typeof second === 'string' && path.length === 2 && error.keyword === 'type') {
    return {
      code: 'invalid-param-schema',
      message: `Param "${second}" must be a JSON Schema with a default, e.g. ${paramExample(error.data)}.`,
    };
  }
  if (first === 'tasks' && typeof second === 'number') {
    const owner = location.owner ?? `Task #${second + 1}`;
    if (path.length === 2 && error.keyword === 'type')
      return { code: 'invalid-task', message: `${owner} must be an object with "task_id" and "operator".` };
    if (missing === 'task_id' || third === 'task_id') {
      return {
        code: 'invalid-task-id',
        message:
          missing === undefined
            ? generic.message
            : `${owner} needs a "task_id": a name unique in the DAG, of letters, digits, "_", "." and "-".`,
      };
    }
    if (missing === 'operator')
      return { code: 'missing-operator', message: `${owner} needs an "operator", one of: ${OPERATORS.join(', ')}.` };
    if (third === 'operator' && path.length === 3)
      return {
        code: 'unknown-operator',
        message: `${owner} has unknown operator ${formatValue(error.data)}; ${suggestOperator(error.data)}`,
      };
    if (third === 'upstream') return { code: 'invalid-upstream', message: generic.message };
  }
  const isTaskRule = first === 'tasks' && typeof second === 'number' && third === 'trigger_rule' && path.length === 3;
  const isDefaultRule = first === 'default_args' && second === 'trigger_rule' && path.length === 2;
  if (isTaskRule || isDefaultRule) {
    const owner = isDefaultRule ? 'default_args' : (location.owner ?? 'The task');
    return {
      code: 'unknown-trigger-rule',
      message: `${owner} has unknown trigger_rule ${formatValue(error.data)}; ${suggestTriggerRule(error.data)}`,
    };
  }
  return generic;
}

/** Airflow accepts a plain value as a param; here it becomes the default of a schema of its type. */
function paramExample(value: unknown): string {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const json = JSON.stringify(value) ?? 'null';
  return `{"type": "${type}", "default": ${json.length > 40 ? '...' : json}}`;
}

/** Airflow's operator classes, which Airflow users will type, and what Dagstream calls them. */
const AIRFLOW_OPERATOR_CLASSES: Readonly<Record<string, string>> = {
  EmptyOperator: 'empty',
  DummyOperator: 'empty',
  BashOperator: 'bash',
  PythonOperator: 'python',
  HttpOperator: 'http',
  SimpleHttpOperator: 'http',
  SQLExecuteQueryOperator: 'sql',
  SqliteOperator: 'sql',
  ProduceToTopicOperator: 'kafka.produce',
  ConsumeFromTopicOperator: 'kafka.consume',
  AwaitMessageSensor: 'sensor.kafka',
  SqlSensor: 'sensor.sql',
  FileSensor: 'sensor.file',
};

function suggestOperator(value: unknown): string {
  const all = `use one of: ${OPERATORS.join(', ')}.`;
  if (typeof value !== 'string') return all;
  const className = value.split('.').pop() ?? value;
  const mapped = AIRFLOW_OPERATOR_CLASSES[className];
  if (mapped !== undefined) return `Airflow's ${className} is "${mapped}" in Dagstream.`;
  const close = closestMatch(value, OPERATORS);
  return close === undefined ? all : `did you mean "${close}"? Operators are: ${OPERATORS.join(', ')}.`;
}

/** Trigger rules Airflow renamed, which older DAGs still use. */
const RENAMED_TRIGGER_RULES: Readonly<Record<string, string>> = {
  dummy: 'always',
  none_failed_or_skipped: 'none_failed_min_one_success',
};

function suggestTriggerRule(value: unknown): string {
  const all = `use one of: ${TRIGGER_RULES.join(', ')}.`;
  if (typeof value !== 'string') return all;
  const renamed = RENAMED_TRIGGER_RULES[value];
  if (renamed !== undefined) return `Airflow renamed it "${renamed}"; use that.`;
  const close = closestMatch(value, TRIGGER_RULES);
  return close === undefined ? all : `did you mean "${close}"? Rules are: ${TRIGGER_RULES.join(', ')}.`;
}

function isInheritable(key: string, defaultArgs: Record<string, unknown>): boolean {
  return key !== 'task_id' && key !== 'operator' && Object.hasOwn(defaultArgs, key);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
