import type { KafkaHeader, KafkaMessage } from '../kafka/KafkaClient';
import { JsonFieldScanner } from './JsonFieldScanner';

/** The SQL types a sink column can have (`JSON` is stored as JSON text). */
export const SINK_COLUMN_TYPES = ['INTEGER', 'REAL', 'TEXT', 'JSON'] as const;
export type SinkColumnType = (typeof SINK_COLUMN_TYPES)[number];

/** One column of a sink's `columns` mapping, as written in the DAG file. */
export interface SinkColumnSpec {
  readonly path: string;
  readonly type: SinkColumnType;
  readonly required?: boolean;
}

type Source =
  | { readonly kind: 'meta'; readonly field: 'topic' | 'partition' | 'offset' | 'timestamp' | 'key' }
  | { readonly kind: 'headers'; readonly name: string | undefined }
  | { readonly kind: 'value'; readonly steps: readonly (string | number)[] };

export interface CompiledSinkColumn {
  readonly name: string;
  readonly path: string;
  readonly type: SinkColumnType;
  readonly required: boolean;
  readonly source: Source;
}

/**
 * What mapping reads of a message: a KafkaMessage (see messageSource) or the cursor over a packed
 * batch (PackedSinkMessages), which decodes the key, value and headers only when asked.
 */
export interface SinkMessageSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  /** The value's size in bytes, -1 for a tombstone. */
  readonly valueLength: number;
  valueText(): string;
  keyText(): string | null;
  headers(): readonly KafkaHeader[];
  /** scanner.scan() over the value's bytes (false for a tombstone). */
  scanValue(scanner: JsonFieldScanner, out: unknown[]): boolean;
}

export function messageSource(message: KafkaMessage): SinkMessageSource {
  const { topic, partition, offset, timestamp, key, value, headers } = message;
  return {
    topic,
    partition,
    offset,
    timestamp,
    valueLength: value === null ? -1 : value.length,
    valueText: () => (value === null ? '' : value.toString('utf8')),
    keyText: () => (key === null ? null : key.toString('utf8')),
    headers: () => headers,
    scanValue: (scanner, out) => value !== null && scanner.scan(value, 0, value.length, out),
  };
}

/**
 * How a mapping whose value columns all read top-level fields (`$.name`, the usual case) reads
 * them without JSON.parse: a JsonFieldScanner over the raw bytes, and per column the scanner's
 * slot (-1 for a column that does not read the value).
 */
export interface ValueFields {
  readonly scanner: JsonFieldScanner;
  readonly slots: Int32Array;
  /** The scanner's output for the current message. */
  readonly values: unknown[];
}

/**
 * The ValueFields of a mapping, or undefined when some column reads the whole event, an index
 * or a nested field (those events are parsed). Names that plain objects inherit (`constructor`,
 * `__proto__`...) are left to JSON.parse too: reading them from a parsed event can find the
 * inherited value, and the scanner must not differ.
 */
export function valueFieldsOf(columns: readonly CompiledSinkColumn[]): ValueFields | undefined {
  const names: string[] = [];
  const slots = new Int32Array(columns.length).fill(-1);
  for (let i = 0; i < columns.length; i++) {
    const source = columns[i]!.source;
    if (source.kind !== 'value') continue;
    const [name, ...rest] = source.steps;
    if (typeof name !== 'string' || rest.length > 0 || name in Object.prototype || name.includes('\uFFFD')) return undefined;
    let slot = names.indexOf(name);
    if (slot < 0) slot = names.push(name) - 1;
    slots[i] = slot;
  }
  if (names.length === 0) return undefined;
  return { scanner: new JsonFieldScanner(names), slots, values: new Array<unknown>(names.length) };
}

/** A message turned into a row (values in column order), or the reason it cannot be one. */
export type SinkRowResult = { readonly row: unknown[] } | { readonly reason: string };

const META_FIELDS = new Set(['topic', 'partition', 'offset', 'timestamp', 'key']);

/**
 * Compiles a `columns` mapping once, so that each message costs one JSON.parse and a walk per
 * column. Paths: `$` the whole event, `$.a.b` / `$.items[0]` / `$["odd key"]` a field,
 * `$topic`, `$partition`, `$offset`, `$timestamp`, `$key` the message's metadata, `$headers` its
 * headers as an object of UTF-8 values (the last of a repeated key) and `$headers.name` one of them. Throws with the
 * column's name when a path or type is invalid.
 */
export function compileSinkColumns(columns: Readonly<Record<string, SinkColumnSpec>>): CompiledSinkColumn[] {
  return Object.entries(columns).map(([name, spec]) => {
    if (!(SINK_COLUMN_TYPES as readonly string[]).includes(spec.type)) {
      throw new Error(`column "${name}": type must be one of ${SINK_COLUMN_TYPES.join(', ')}, got ${JSON.stringify(spec.type)}`);
    }
    return { name, path: spec.path, type: spec.type, required: spec.required === true, source: parsePath(name, spec.path) };
  });
}

function parsePath(name: string, path: string): Source {
  const trimmed = path.trim();
  if (trimmed.startsWith('$') && META_FIELDS.has(trimmed.slice(1))) {
    return { kind: 'meta', field: trimmed.slice(1) as 'topic' | 'partition' | 'offset' | 'timestamp' | 'key' };
  }
  if (trimmed === '$headers') return { kind: 'headers', name: undefined };
  if (trimmed.startsWith('$headers.') && trimmed.length > '$headers.'.length)
    return { kind: 'headers', name: trimmed.slice('$headers.'.length) };
  if (!trimmed.startsWith('$')) throw badPath(name, path);
  const steps: (string | number)[] = [];
  let rest = trimmed.slice(1);
  while (rest.length > 0) {
    const field = /^\.([A-Za-z_$][\w$-]*)/.exec(rest);
    const index = /^\[(\d+)\]/.exec(rest);
    const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
    if (field) steps.push(field[1]!);
    else if (index) steps.push(Number(index[1]));
    else if (quoted) steps.push(JSON.parse(quoted[1]!) as string);
    else throw badPath(name, path);
    rest = rest.slice((field ?? index ?? quoted)![0].length);
  }
  return { kind: 'value', steps };
}

function badPath(name: string, path: string): Error {
  return new Error(
    `column "${name}": path ${JSON.stringify(path)} is not understood; use "$" for the whole event, "$.a.b" or "$.items[0]" for a field, or $topic, $partition, $offset, $timestamp, $key, $headers, $headers.<name>`,
  );
}

/**
 * Maps one message to a row. Dead-letter reasons: a value that is not JSON, a missing required
 * field, a value of the wrong type, a value above `maxValueBytes`, a tombstone when a column
 * reads the value.
 */
export function mapMessageToRow(
  message: KafkaMessage,
  columns: readonly CompiledSinkColumn[],
  readsValue: boolean,
  maxValueBytes: number,
): SinkRowResult {
  const row: unknown[] = new Array<unknown>(columns.length);
  const reason = mapMessageInto(messageSource(message), columns, readsValue, maxValueBytes, row, 0, valueFieldsOf(columns));
  return reason === undefined ? { row } : { reason };
}

/**
 * mapMessageToRow writing the row's values into `out` from index `at` (a sink's rows go to the
 * database as one flat list). Returns the dead-letter reason, or undefined when the row was
 * written; after a reason, `out` from `at` holds leftovers to overwrite. With `fields` (see
 * valueFieldsOf) the value's fields are scanned from its bytes; events the scanner leaves to
 * JSON.parse, and every event without `fields`, are parsed.
 */
export function mapMessageInto(
  message: SinkMessageSource,
  columns: readonly CompiledSinkColumn[],
  readsValue: boolean,
  maxValueBytes: number,
  out: unknown[],
  at: number,
  fields?: ValueFields,
): string | undefined {
  let event: unknown;
  let scanned: unknown[] | undefined;
  if (readsValue) {
    const valueLength = message.valueLength;
    if (valueLength < 0) return 'tombstone: the message has no value';
    if (valueLength > maxValueBytes) {
      return `oversized value: ${valueLength} bytes, above max_value_bytes (${maxValueBytes})`;
    }
    if (fields !== undefined && message.scanValue(fields.scanner, fields.values)) scanned = fields.values;
    else {
      try {
        event = JSON.parse(message.valueText());
      } catch (error) {
        return `invalid JSON: ${(error as Error).message}`;
      }
    }
  }
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const source = column.source;
    const raw =
      source.kind === 'meta'
        ? metaValue(message, source.field)
        : source.kind === 'headers'
          ? headerValue(message, source.name)
          : scanned !== undefined
            ? scanned[fields!.slots[i]!]
            : walk(event, source.steps);
    if (raw === undefined || raw === null) {
      if (column.required) return `missing required field ${column.path} (column "${column.name}")`;
      out[at + i] = null;
      continue;
    }
    const converted = convert(raw, column.type);
    if (converted === undefined) {
      return `wrong type at ${column.path} (column "${column.name}"): expected ${column.type}, got ${describe(raw)}`;
    }
    out[at + i] = converted;
  }
  return undefined;
}

/** True when some column needs the message's value parsed. */
export function columnsReadValue(columns: readonly CompiledSinkColumn[]): boolean {
  return columns.some((c) => c.source.kind === 'value');
}

function metaValue(message: SinkMessageSource, field: 'topic' | 'partition' | 'offset' | 'timestamp' | 'key'): unknown {
  switch (field) {
    case 'topic':
      return message.topic;
    case 'partition':
      return message.partition;
    case 'offset':
      return message.offset;
    case 'timestamp':
      return message.timestamp;
    case 'key':
      return message.keyText();
  }
}

function headerValue(message: SinkMessageSource, name: string | undefined): unknown {
  const headers = message.headers();
  if (name !== undefined) {
    const header = headers.findLast((h) => h.key === name);
    return header === undefined ? undefined : header.value.toString('utf8');
  }
  return Object.fromEntries(headers.map((h) => [h.key, h.value.toString('utf8')]));
}

function walk(event: unknown, steps: readonly (string | number)[]): unknown {
  let current = event;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

/** The value as the column stores it, or undefined when it does not fit the type. */
function convert(value: unknown, type: SinkColumnType): unknown {
  switch (type) {
    case 'INTEGER':
      if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
      if (typeof value === 'boolean') return value ? 1 : 0;
      // Ids from event sources often come as digit strings (and beyond 2^53); SQLite stores them exactly.
      if (typeof value === 'string' && /^-?\d{1,18}$/.test(value)) return BigInt(value);
      return undefined;
    case 'REAL':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return undefined;
    case 'TEXT':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return undefined;
    case 'JSON':
      return JSON.stringify(value);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}...` : text}`;
}
