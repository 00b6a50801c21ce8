import nunjucks from 'nunjucks';
import type { TemplateContext } from '../executor/taskExecution';
import { AirflowDateTime } from './AirflowDateTime';
import { TemplateError } from './TemplateError';
import { getTemplateEnvironment } from './templateEnvironment';
import { withJsonToString, withoutJsonToString } from './withJsonToString';

/** How to render task arguments. */
export interface RenderOptions {
  /**
   * Airflow's `render_template_as_native_obj`: a string that is exactly one `{{ expr }}` renders
   * to the expression's value (a number, list, object...) instead of its text. Unlike Airflow,
   * a string result is not re-parsed as a Python literal: `"{{ params.zip }}"` with `"01234"`
   * stays the string `"01234"`, which is what JSON users expect.
   */
  native?: boolean;
  /** Name of the value being rendered, for error messages; keys and indexes are appended. */
  argument?: string;
}

/** Context values that are pendulum DateTimes in Airflow's templates. */
const DATETIME_KEYS: ReadonlySet<string> = new Set(['logical_date', 'execution_date', 'data_interval_start', 'data_interval_end']);

/** Marker of a string that is a template at all; everything else is returned untouched. */
const TEMPLATE_SYNTAX = /\{[{%#]/;
/** A string that is exactly one `{{ expr }}` (for native rendering). */
const SINGLE_EXPRESSION = /^\s*\{\{-?([\s\S]*?)-?\}\}\s*$/;
const NATIVE_CAPTURE = '__dagstream_native_capture__';
const COMPILED_CACHE_LIMIT = 1000;

const compiled = new Map<string, nunjucks.Template>();

/**
 * Renders every string inside `value` (objects and arrays are walked; keys are not rendered, as
 * in Airflow) with Jinja-style `{{ ... }}` templates against the run's context. Objects and
 * arrays printed into a string come out as JSON. Throws a {@link TemplateError} naming the
 * argument and the expression when a template is invalid or prints an undefined value.
 */
export function renderTemplates(value: unknown, context: TemplateContext, options: RenderOptions = {}): unknown {
  let scope: Record<string, unknown> | undefined;
  const getScope = (): Record<string, unknown> => (scope ??= buildScope(context));
  return walk(value, options.argument ?? 'template', getScope, options.native === true);
}

/** Renders one template string; see {@link renderTemplates}. */
export function renderTemplate(source: string, context: TemplateContext, options: RenderOptions = {}): unknown {
  return renderTemplates(source, context, options);
}

function walk(value: unknown, argument: string, getScope: () => Record<string, unknown>, native: boolean): unknown {
  if (typeof value === 'string') return TEMPLATE_SYNTAX.test(value) ? renderString(value, argument, getScope(), native) : value;
  if (Array.isArray(value)) return value.map((item, index) => walk(item, `${argument}[${index}]`, getScope, native));
  if (value !== null && typeof value === 'object') {
    const rendered: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) rendered[key] = walk(item, `${argument}.${key}`, getScope, native);
    return rendered;
  }
  return value;
}

function renderString(source: string, argument: string, scope: Record<string, unknown>, native: boolean): unknown {
  const single = native ? SINGLE_EXPRESSION.exec(source) : null;
  const inner = single?.[1];
  if (inner !== undefined && !/\{\{|\}\}|\{%|%\}/.test(inner)) return renderNative(source, inner, argument, scope);
  try {
    return compile(source).render(scope);
  } catch (error) {
    throw toTemplateError(error, source, argument);
  }
}

function renderNative(source: string, inner: string, argument: string, scope: Record<string, unknown>): unknown {
  let captured: { value: unknown } | undefined;
  const capture = (value: unknown): string => {
    captured = { value };
    return '';
  };
  try {
    compile(`{{ ${NATIVE_CAPTURE}((${inner})) }}`).render({ ...scope, [NATIVE_CAPTURE]: capture });
  } catch (error) {
    throw toTemplateError(error, source, argument, source.trim());
  }
  if (captured === undefined || captured.value === undefined) {
    throw new TemplateError(argument, source.trim(), undefinedDetail(source));
  }
  return withoutJsonToString(captured.value);
}

function compile(source: string): nunjucks.Template {
  const cached = compiled.get(source);
  if (cached) return cached;
  const template = new nunjucks.Template(source, getTemplateEnvironment(), undefined, true);
  // Task arguments repeat across runs and tries; a bounded cache keeps compilation off the hot path.
  if (compiled.size >= COMPILED_CACHE_LIMIT) compiled.clear();
  compiled.set(source, template);
  return template;
}

/** The names templates see: the context, with objects printable as JSON and `ti` callable. */
function buildScope(context: TemplateContext): Record<string, unknown> {
  const scope: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    if (key !== 'ti') scope[key] = DATETIME_KEYS.has(key) ? AirflowDateTime.from(value) : withJsonToString(value);
  }
  const dagRun = scope.dag_run;
  if (dagRun !== null && typeof dagRun === 'object') {
    for (const key of DATETIME_KEYS)
      if (key in dagRun) (dagRun as Record<string, unknown>)[key] = AirflowDateTime.from((dagRun as Record<string, unknown>)[key]);
  }
  const source = context.ti;
  // nunjucks calls functions with its own `this`, so the method is bound to the real `ti` here.
  const ti = {
    task_id: source.task_id,
    try_number: source.try_number,
    // A task that returned nothing pulls as None (null), which prints "None" as in Airflow.
    xcom_pull: (...args: unknown[]): unknown => withJsonToString(pullXcom(source, args) ?? null),
  };
  scope.ti = ti;
  scope.task_instance = ti;
  scope.macros = { ds_add: dsAdd };
  return scope;
}

interface NunjucksKeywords {
  __keywords: true;
  [name: string]: unknown;
}

function isKeywords(value: unknown): value is NunjucksKeywords {
  return value !== null && typeof value === 'object' && (value as { __keywords?: unknown }).__keywords === true;
}

/** Accepts Airflow's spellings: `xcom_pull('a')`, `xcom_pull(['a','b'])`, `xcom_pull(task_ids='a', key='k')`. */
function pullXcom(ti: TemplateContext['ti'], args: unknown[]): unknown {
  const last = args.at(-1);
  const keywords = isKeywords(last) ? last : undefined;
  const positional = keywords ? args.slice(0, -1) : args;
  const taskIds = keywords?.task_ids ?? positional[0];
  const key = keywords?.key ?? positional[1];
  const validIds = typeof taskIds === 'string' || (Array.isArray(taskIds) && taskIds.every((id) => typeof id === 'string'));
  if (!validIds) throw new Error("ti.xcom_pull needs a task id or a list of task ids, e.g. ti.xcom_pull('extract')");
  if (key !== undefined && key !== null && typeof key !== 'string') throw new Error('ti.xcom_pull: key must be a string');
  return typeof key === 'string' ? ti.xcom_pull(taskIds as string | string[], key) : ti.xcom_pull(taskIds as string | string[]);
}

/** Airflow's `macros.ds_add('2026-01-01', 5)`: a YYYY-MM-DD date plus whole days. */
function dsAdd(ds: unknown, days: unknown): string {
  if (typeof ds !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(ds))
    throw new Error(`macros.ds_add expects a YYYY-MM-DD date, got ${JSON.stringify(ds)}`);
  const date = new Date(`${ds}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + Number(days));
  return date.toISOString().slice(0, 10);
}

const LOCATED_ERROR = /^\(unknown path\)(?: \[Line (\d+), Column (\d+)\])?\s*([\s\S]*)$/;
const UNDEFINED_OUTPUT = 'attempted to output null or undefined value';

function toTemplateError(error: unknown, source: string, argument: string, expression?: string): TemplateError {
  if (error instanceof TemplateError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const match = LOCATED_ERROR.exec(raw);
  const message = (match?.[3] ?? raw).trim().replace(/^Error: /, '');
  const line = match?.[1];
  const column = match?.[2];
  const located = expression ?? (line && column ? tagAt(source, Number(line), Number(column)) : onlyTag(source));
  const detail = message === UNDEFINED_OUTPUT ? undefinedDetail(located) : `failed: ${message}. Check the expression's syntax and names.`;
  return new TemplateError(argument, located, detail);
}

function undefinedDetail(expression: string): string {
  if (expression.includes('xcom_pull')) {
    return 'is undefined (or null): the task it pulls from returned no value. Check that the task id is right, that the task is upstream of this one and that it returns a value.';
  }
  const param = /params\.(\w+)/.exec(expression)?.[1];
  if (param) {
    return `is undefined (or null). Add "${param}" to the DAG's params (with a default) or pass it when triggering the run, or write {{ params.${param} | default('...') }}.`;
  }
  return "is undefined (or null). Check the name, or give a default with {{ value | default('...') }}.";
}

/** The `{{ ... }}` or `{% ... %}` tag at a 1-based line and column, as nunjucks reports errors. */
function tagAt(source: string, line: number, column: number): string {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = source.indexOf('\n', offset);
    if (next === -1) break;
    offset = next + 1;
  }
  offset += Math.max(0, column - 1);
  const start = Math.max(source.lastIndexOf('{{', offset + 1), source.lastIndexOf('{%', offset + 1));
  if (start === -1) return shorten(source);
  const closing = source[start + 1] === '{' ? '}}' : '%}';
  const end = source.indexOf(closing, start + 2);
  return end === -1 ? shorten(source.slice(start)) : source.slice(start, end + 2);
}

function onlyTag(source: string): string {
  const tags = source.match(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g);
  return tags?.length === 1 ? tags[0]! : shorten(source);
}

function shorten(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}...` : trimmed;
}
