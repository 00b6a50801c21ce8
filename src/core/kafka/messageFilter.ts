import type { KafkaMessage } from './KafkaClient';

/**
 * What the message browser keeps: a message matches when its key, value or a header contains
 * `text` (case-insensitive), and its JSON value satisfies `jsonPath`. Both optional.
 *
 * A JSON-path match is a path, optionally compared with a JSON value:
 *   `$.alert`                  the field exists and is not null/false
 *   `$.city == "Paris"`        equal (also `!=`)
 *   `$.temp > 30`              numeric comparison (`>`, `>=`, `<`, `<=`)
 *   `$.tags[0] ~ rain`         the field's text contains `rain` (case-insensitive)
 * Paths are `$` followed by `.name`, `["any name"]` or `[index]`. A bare word on the right is a
 * string, so `$.city == Paris` works too.
 */
export interface MessageFilterSpec {
  readonly text?: string;
  readonly jsonPath?: string;
}

export type MessagePredicate = (message: KafkaMessage) => boolean;

type Operator = '==' | '!=' | '>' | '>=' | '<' | '<=' | '~';
type PathSegment = string | number;

interface JsonPathCondition {
  readonly path: readonly PathSegment[];
  readonly operator?: Operator;
  readonly operand?: unknown;
}

/** Builds the predicate, or returns an error sentence for a JSON path that does not parse. */
export function compileMessageFilter(spec: MessageFilterSpec): { predicate: MessagePredicate } | { error: string } {
  const text = spec.text?.trim().toLowerCase() ?? '';
  const pathText = spec.jsonPath?.trim() ?? '';
  let condition: JsonPathCondition | undefined;
  if (pathText !== '') {
    const parsed = parseJsonPathCondition(pathText);
    if ('error' in parsed) return parsed;
    condition = parsed.condition;
  }
  const predicate: MessagePredicate = (message) => {
    if (text !== '' && !containsText(message, text)) return false;
    if (condition && !matchesCondition(message.value, condition)) return false;
    return true;
  };
  return { predicate };
}

function containsText(message: KafkaMessage, lowerText: string): boolean {
  if (message.value && message.value.toString('utf8').toLowerCase().includes(lowerText)) return true;
  if (message.key && message.key.toString('utf8').toLowerCase().includes(lowerText)) return true;
  return message.headers.some(
    (header) => header.key.toLowerCase().includes(lowerText) || header.value.toString('utf8').toLowerCase().includes(lowerText),
  );
}

function matchesCondition(value: Buffer | null, condition: JsonPathCondition): boolean {
  if (value === null) return false;
  let document: unknown;
  try {
    document = JSON.parse(value.toString('utf8'));
  } catch {
    return false;
  }
  const found = readPath(document, condition.path);
  if (!found.exists) return false;
  const actual = found.value;
  const { operator, operand } = condition;
  if (operator === undefined) return actual !== null && actual !== false;
  switch (operator) {
    case '==':
      return looselyEqual(actual, operand);
    case '!=':
      return !looselyEqual(actual, operand);
    case '~':
      return textOf(actual).toLowerCase().includes(textOf(operand).toLowerCase());
    default: {
      const left = typeof actual === 'number' ? actual : Number(actual);
      const right = typeof operand === 'number' ? operand : Number(operand);
      if (!Number.isFinite(left) || !Number.isFinite(right)) return false;
      if (operator === '>') return left > right;
      if (operator === '>=') return left >= right;
      if (operator === '<') return left < right;
      return left <= right;
    }
  }
}

function looselyEqual(actual: unknown, operand: unknown): boolean {
  if (typeof actual === 'object' && actual !== null) return JSON.stringify(actual) === JSON.stringify(operand);
  // `$.id == 42` should match "42" too: users rarely know how a producer typed an id.
  return actual === operand || (actual !== null && operand !== null && String(actual) === String(operand));
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

function readPath(document: unknown, path: readonly PathSegment[]): { exists: boolean; value?: unknown } {
  let current: unknown = document;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { exists: false };
      current = current[segment] as unknown;
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, segment)) {
        return { exists: false };
      }
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return { exists: true, value: current };
}

const OPERATORS: readonly Operator[] = ['==', '!=', '>=', '<=', '>', '<', '~'];

/** Parses `$.a.b[0]["c d"] op value`; exported for its tests. */
export function parseJsonPathCondition(input: string): { condition: JsonPathCondition } | { error: string } {
  const text = input.trim();
  const fail = (why: string): { error: string } => ({
    error: `JSON path "${text}": ${why}. Write a path such as $.city or $.readings[0].temp, optionally followed by ==, !=, >, >=, <, <= or ~ and a value.`,
  });
  if (!text.startsWith('$')) return fail('it must start with $');
  const path: PathSegment[] = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.') {
      const match = /^[A-Za-z_$][\w$-]*/.exec(text.slice(i + 1));
      if (!match) return fail(`a field name is missing after the dot at position ${i + 1}`);
      path.push(match[0]);
      i += 1 + match[0].length;
    } else if (c === '[') {
      const rest = text.slice(i);
      const index = /^\[\s*(\d+)\s*\]/.exec(rest);
      const quoted = /^\[\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\]/.exec(rest);
      if (index) {
        path.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        const raw = quoted[1]!;
        path.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.slice(1, -1).replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else {
        return fail(`the bracket at position ${i + 1} holds neither an index nor a quoted name`);
      }
    } else if (/\s/.test(c) || OPERATORS.some((op) => text.startsWith(op, i))) {
      break;
    } else {
      return fail(`unexpected "${c}" at position ${i + 1}`);
    }
  }
  const rest = text.slice(i).trim();
  if (rest === '') return { condition: { path } };
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  if (!operator) return fail(`"${rest}" is not a comparison`);
  const operandText = rest.slice(operator.length).trim();
  if (operandText === '') return fail(`a value is missing after ${operator}`);
  let operand: unknown;
  try {
    operand = JSON.parse(operandText);
  } catch {
    operand = operandText.replace(/^'(.*)'$/, '$1');
  }
  return { condition: { path, operator, operand } };
}
