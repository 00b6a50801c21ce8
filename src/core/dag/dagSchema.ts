import schemaJson from '../../../schemas/dag.schema.json';
import { OPERATORS, type OperatorName } from './dagFile';

/**
 * The JSON Schema of `*.dag.json` files (`schemas/dag.schema.json`), and views of it for the code
 * that needs its parts: node forms, hover text, typo hints and the validator. Imported rather
 * than read from disk so that the esbuild bundles of the CLI and the extension carry it.
 */

/** A JSON Schema (draft-07) as plain JSON. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** One operator's arguments, as a form generator needs them. */
export interface OperatorArgumentSchema {
  operator: OperatorName;
  /** A short human name, e.g. "Kafka sink to SQLite". */
  title: string;
  /** What the operator does and what its XCom is. */
  description: string;
  /** Argument name -> JSON Schema with `$ref`s resolved (type, description, default, enum...). */
  properties: Readonly<Record<string, JsonSchema>>;
  /** Arguments the task must set. */
  required: readonly string[];
  /** Groups of arguments of which exactly one must be set (`code` or `code_file`). */
  exactlyOneOf: readonly (readonly string[])[];
  /** Groups of arguments of which at most one may be set (`data` or `json`). */
  atMostOneOf: readonly (readonly string[])[];
}

interface SchemaViews {
  dagProperties: Record<string, JsonSchema>;
  taskProperties: Record<string, JsonSchema>;
  defaultArgsProperties: Record<string, JsonSchema>;
  operators: Map<string, OperatorArgumentSchema>;
  durationKeys: Map<string, ReadonlySet<string>>;
  allDurationKeys: ReadonlySet<string>;
}

const DEFINITIONS_PREFIX = '#/definitions/';
let views: SchemaViews | undefined;

/** The whole schema. Frozen: it is shared by every caller and by the compiled validator. */
export function loadDagSchema(): JsonSchema {
  return frozenSchema;
}

const frozenSchema: JsonSchema = deepFreeze(schemaJson as JsonSchema);

/** The schema of the top-level keys of a DAG file (`dag_id`, `schedule`...), `$ref`s resolved. */
export function dagPropertySchemas(): Readonly<Record<string, JsonSchema>> {
  return schemaViews().dagProperties;
}

/** The schema of the keys every task takes whatever its operator (`task_id`, `retries`...). */
export function taskPropertySchemas(): Readonly<Record<string, JsonSchema>> {
  return schemaViews().taskProperties;
}

/** The schema of `default_args`' documented keys. Any task key or operator argument is allowed there too. */
export function defaultArgsPropertySchemas(): Readonly<Record<string, JsonSchema>> {
  return schemaViews().defaultArgsProperties;
}

/** The arguments of `operator`, or undefined for an operator Dagstream does not know. */
export function operatorArgumentSchema(operator: string): OperatorArgumentSchema | undefined {
  return schemaViews().operators.get(operator);
}

/**
 * The keys of a task with this operator whose values are durations (`retry_delay`, an HTTP
 * `timeout`, a sensor's `poke_interval`...); without an operator, the duration keys of any.
 */
export function durationKeysOf(operator?: string): ReadonlySet<string> {
  const all = schemaViews();
  if (operator === undefined) return all.allDurationKeys;
  return all.durationKeys.get(operator) ?? all.durationKeys.get('') ?? new Set();
}

/** Returns `schema` with local `$ref`s replaced by what they point at; keys beside a `$ref` win, as in VS Code. */
export function resolveSchemaRefs(schema: unknown, depth = 0): unknown {
  if (depth > 32 || schema === null || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map((item) => resolveSchemaRefs(item, depth + 1));
  const record = schema as Record<string, unknown>;
  const resolved: Record<string, unknown> = {};
  const ref = record.$ref;
  if (typeof ref === 'string') Object.assign(resolved, resolveSchemaRefs(schemaAtRef(ref), depth + 1));
  for (const [key, value] of Object.entries(record)) {
    if (key !== '$ref') resolved[key] = resolveSchemaRefs(value, depth + 1);
  }
  return resolved;
}

function schemaViews(): SchemaViews {
  views ??= buildViews();
  return views;
}

function buildViews(): SchemaViews {
  const task = definition('task');
  const taskProperties = resolvedProperties(task.properties);
  const operators = new Map<string, OperatorArgumentSchema>();
  for (const entry of asArray(task.allOf)) {
    const branch = asRecord(entry);
    const operator = asRecord(asRecord(asRecord(branch.if).properties).operator).const;
    const ref = asRecord(branch.then).$ref;
    if (typeof operator !== 'string' || typeof ref !== 'string' || !isOperator(operator)) continue;
    const args = asRecord(schemaAtRef(ref));
    const combinators = asArray(args.allOf).map(asRecord);
    // Frozen one by one: deepFreeze does not reach into a Map.
    operators.set(
      operator,
      deepFreeze({
        operator,
        title: typeof args.title === 'string' ? args.title : operator,
        description: typeof args.description === 'string' ? args.description : '',
        properties: resolvedProperties(args.properties),
        required: asArray(args.required).filter(isString),
        exactlyOneOf: combinators
          .filter((c) => Array.isArray(c.oneOf))
          .map((c) => asArray(c.oneOf).flatMap((b) => asArray(asRecord(b).required).filter(isString))),
        atMostOneOf: combinators.filter((c) => c.not !== undefined).map((c) => asArray(asRecord(c.not).required).filter(isString)),
      }),
    );
  }
  const durationPattern = definition('duration').pattern;
  const isDuration = (schema: JsonSchema): boolean => schema.pattern === durationPattern;
  const commonDurations = Object.keys(taskProperties).filter((key) => isDuration(taskProperties[key] ?? {}));
  const durationKeys = new Map<string, ReadonlySet<string>>([['', new Set(commonDurations)]]);
  const allDurationKeys = new Set(commonDurations);
  for (const [operator, args] of operators) {
    const own = Object.keys(args.properties).filter((key) => isDuration(args.properties[key] ?? {}));
    durationKeys.set(operator, new Set([...commonDurations, ...own]));
    for (const key of own) allDurationKeys.add(key);
  }
  return deepFreeze({
    dagProperties: resolvedProperties(frozenSchema.properties),
    taskProperties,
    defaultArgsProperties: resolvedProperties(definition('defaultArgs').properties),
    operators,
    durationKeys,
    allDurationKeys,
  });
}

function definition(name: string): JsonSchema {
  return asRecord(asRecord(frozenSchema.definitions)[name]);
}

function schemaAtRef(ref: string): unknown {
  if (!ref.startsWith(DEFINITIONS_PREFIX)) return {};
  let node: unknown = asRecord(frozenSchema.definitions);
  for (const segment of ref.slice(DEFINITIONS_PREFIX.length).split('/')) node = asRecord(node)[segment];
  return node ?? {};
}

function resolvedProperties(properties: unknown): Record<string, JsonSchema> {
  const result: Record<string, JsonSchema> = {};
  for (const [key, value] of Object.entries(asRecord(properties))) result[key] = asRecord(resolveSchemaRefs(value));
  return result;
}

function asRecord(value: unknown): JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : {};
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isOperator(value: string): value is OperatorName {
  return (OPERATORS as readonly string[]).includes(value);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
