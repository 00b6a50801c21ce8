import type { ErrorObject } from 'ajv';
import type { JSONPath } from 'jsonc-parser';
import { closestMatch } from './closestMatch';
import { describeJsonType } from './describeJsonType';

/** Whose key a schema error is about, in words a DAG author recognises. */
export interface SchemaErrorLocation {
  /** `Task "load"`, `Task #3`, `default_args`, `Param "city"`; undefined for top-level keys. */
  owner: string | undefined;
  /** The key path below the owner, e.g. `bash_command`, `columns.city.type`; undefined for the owner itself. */
  key: string | undefined;
  taskId: string | undefined;
  /** The task's operator, when the error is inside a task. */
  operator: string | undefined;
}

/** Names the owner and key of the value at `path` in the DAG document. */
export function describeSchemaErrorLocation(path: JSONPath, document: unknown): SchemaErrorLocation {
  const [first, second, ...rest] = path;
  if (first === 'tasks' && typeof second === 'number') {
    const task = asRecord(asRecord(document).tasks, second);
    const taskId = typeof task.task_id === 'string' && task.task_id.trim() !== '' ? task.task_id : undefined;
    return {
      owner: taskId === undefined ? `Task #${second + 1}` : `Task "${taskId}"`,
      key: formatKeyPath(rest),
      taskId,
      operator: typeof task.operator === 'string' ? task.operator : undefined,
    };
  }
  if (first === 'params' && second !== undefined) {
    return { owner: `Param "${String(second)}"`, key: formatKeyPath(rest), taskId: undefined, operator: undefined };
  }
  if (first === 'default_args') {
    return { owner: 'default_args', key: formatKeyPath(path.slice(1)), taskId: undefined, operator: undefined };
  }
  return { owner: undefined, key: formatKeyPath(path), taskId: undefined, operator: undefined };
}

/**
 * Turns one Ajv error into a sentence that says what is wrong, where and, when the schema knows
 * it, what to write instead: `Task "load": missing required "bash_command" for operator bash.`
 */
export function describeSchemaError(error: ErrorObject, location: SchemaErrorLocation): string {
  const subject = location.key === undefined ? 'the value' : `"${location.key}"`;
  const params = error.params as Record<string, unknown>;
  const parent: Record<string, unknown> = error.parentSchema ?? {};
  const got = formatValue(error.data);
  const customMessage = typeof parent.errorMessage === 'string' ? parent.errorMessage : undefined;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      if (location.key !== undefined) return withOwner(location.owner, `${subject} is missing required "${missing}".`);
      const forOperator =
        location.operator !== undefined && missing !== 'task_id' && missing !== 'operator' ? ` for operator ${location.operator}` : '';
      return withOwner(location.owner, `missing required "${missing}"${forOperator}.`);
    }
    case 'type':
      return withOwner(location.owner, customMessage ?? `${subject} must be ${describeTypes(String(params.type))} (got ${got}).`);
    case 'enum': {
      const allowed: unknown[] = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      const names = allowed.filter((v): v is string => typeof v === 'string');
      // One edit at most: values are short, and "FETCH" is not a typo of "PATCH".
      const close = typeof error.data === 'string' ? closestMatch(error.data, names, 1) : undefined;
      const hint = close === undefined ? '' : ` Did you mean "${close}"?`;
      return withOwner(location.owner, customMessage ?? `${subject} must be one of ${listValues(allowed)} (got ${got}).${hint}`);
    }
    case 'const':
      return withOwner(location.owner, customMessage ?? `${subject} must be ${formatValue(params.allowedValue)} (got ${got}).`);
    case 'pattern': {
      const hint =
        typeof parent.patternErrorMessage === 'string'
          ? parent.patternErrorMessage
          : (customMessage ?? `It must match the pattern ${String(params.pattern)}.`);
      if (error.propertyName !== undefined)
        return withOwner(location.owner, `key "${error.propertyName}" of ${subject} is not valid. ${hint}`);
      return withOwner(location.owner, `${subject} is not valid (got ${got}). ${hint}`);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return withOwner(
        location.owner,
        `${subject} must be ${COMPARISONS[String(params.comparison)] ?? String(params.comparison)} ${String(params.limit)} (got ${got}).`,
      );
    case 'minLength':
      return withOwner(
        location.owner,
        params.limit === 1 ? `${subject} must not be empty.` : `${subject} must be at least ${String(params.limit)} characters long.`,
      );
    case 'maxLength':
      return withOwner(
        location.owner,
        `${subject} must be at most ${String(params.limit)} characters long (it has ${typeof error.data === 'string' ? error.data.length : '?'}).`,
      );
    case 'minItems':
      return withOwner(
        location.owner,
        params.limit === 1 ? `${subject} must list at least one item.` : `${subject} must list at least ${String(params.limit)} items.`,
      );
    case 'maxItems':
      return withOwner(location.owner, `${subject} must list at most ${String(params.limit)} items.`);
    case 'minProperties':
      return withOwner(
        location.owner,
        params.limit === 1 ? `${subject} must have at least one entry.` : `${subject} must have at least ${String(params.limit)} entries.`,
      );
    case 'additionalProperties':
      return withOwner(
        location.owner,
        `${subject} does not take a key "${String(params.additionalProperty)}"; remove it or check its spelling.`,
      );
    case 'uniqueItems':
      return withOwner(
        location.owner,
        `${subject} lists the same item twice (items ${String(params.j)} and ${String(params.i)}); remove one.`,
      );
    case 'multipleOf':
      return withOwner(location.owner, `${subject} must be a multiple of ${String(params.multipleOf)} (got ${got}).`);
    case 'format':
      return withOwner(location.owner, `${subject} must be a valid ${String(params.format)} (got ${got}).`);
    case 'oneOf':
    case 'anyOf':
      return withOwner(
        location.owner,
        describeAlternatives(error, parent, subject) ?? customMessage ?? `${subject} does not match any allowed form.`,
      );
    case 'not': {
      const keys = requiredKeys(asRecord(parent.not));
      if (keys.length > 1)
        return withOwner(location.owner, `set ${keys.map((k) => `"${k}"`).join(' or ')}, not ${keys.length === 2 ? 'both' : 'several'}.`);
      return withOwner(location.owner, customMessage ?? `${subject} has a form that is not allowed.`);
    }
    default:
      return withOwner(location.owner, `${subject} ${error.message ?? 'is not valid'}.`);
  }
}

/** For `oneOf`/`anyOf` whose branches each require one key: which keys to set, or to unset. */
function describeAlternatives(error: ErrorObject, parent: Record<string, unknown>, subject: string): string | undefined {
  const branches = Array.isArray(parent[error.keyword]) ? (parent[error.keyword] as unknown[]) : [];
  const keys = branches.flatMap((branch) => requiredKeys(asRecord(branch)));
  if (keys.length !== branches.length || keys.length < 2) return undefined;
  const quoted = keys.map((k) => `"${k}"`);
  const passing = (error.params as { passingSchemas?: unknown }).passingSchemas;
  if (Array.isArray(passing) && passing.length > 1)
    return `set only one of ${quoted.join(' and ')}, not ${keys.length === 2 ? 'both' : 'several'}.`;
  const what = subject === 'the value' ? '' : ` in ${subject}`;
  return `set ${error.keyword === 'oneOf' ? 'exactly one of' : 'at least one of'} ${quoted.join(' or ')}${what}.`;
}

/** The keys of a schema of the form `{"required": [...]}` and nothing else. */
export function requiredKeys(schema: Record<string, unknown>): string[] {
  const keys = Object.keys(schema);
  if (keys.length !== 1 || !Array.isArray(schema.required)) return [];
  return schema.required.filter((k): k is string => typeof k === 'string');
}

const COMPARISONS: Readonly<Record<string, string>> = { '>=': 'at least', '>': 'greater than', '<=': 'at most', '<': 'less than' };

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

function describeTypes(types: string): string {
  return types
    .split(',')
    .map((type) => TYPE_WORDS[type] ?? type)
    .join(' or ');
}

function listValues(values: unknown): string {
  return Array.isArray(values) ? values.map(formatValue).join(', ') : String(values);
}

/** A value as a message quotes it: short scalars verbatim, long strings cut, containers by kind. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `${JSON.stringify(value.slice(0, 39)).slice(0, -1)}…"` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return describeJsonType(value);
}

function formatKeyPath(path: JSONPath): string | undefined {
  if (path.length === 0) return undefined;
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

function withOwner(owner: string | undefined, sentence: string): string {
  if (owner !== undefined) return `${owner}: ${sentence}`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

function asRecord(value: unknown, index?: number): Record<string, unknown> {
  const item = index === undefined ? value : Array.isArray(value) ? value[index] : undefined;
  return item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
}
