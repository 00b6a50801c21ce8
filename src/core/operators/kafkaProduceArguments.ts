import type { TaskSpec } from '../dag/dagFile';
import type { TemplateContext } from '../executor/taskExecution';
import type { Acks, Compression, OutgoingMessage } from '../kafka/KafkaClient';
import { DEFAULT_KAFKA_PROFILE } from '../kafka/KafkaConnectionProfile';
import { renderTemplate } from '../template/renderTemplate';
import { TaskArguments } from './TaskArguments';

/** A `kafka.produce` task's arguments, checked, with its messages ready to send. */
export interface KafkaProduceArguments {
  readonly profileName: string;
  readonly topic: string;
  readonly messages: readonly OutgoingMessage[];
  readonly acks: Acks;
  readonly compression: Compression;
}

/** Keys of a list item that describes a whole message rather than being a value itself. */
const MESSAGE_KEYS: ReadonlySet<string> = new Set(['key', 'value', 'headers', 'partition', 'timestamp']);

/**
 * Reads a rendered `kafka.produce` task (every argument but `key` already rendered).
 *
 * - `messages`: a list (one message per item), an object (one message), or a string: a string
 *   that is a JSON list or object (what `"{{ ti.xcom_pull('fetch') }}"` renders to without
 *   native rendering) is read as that, any other string is one message with that text.
 * - An item whose keys are all among key/value/headers/partition/timestamp, `value` included,
 *   sets those per message; any other item is the value itself.
 * - Values: strings are sent as their text, null as a tombstone, anything else as JSON.
 * - `key` is a template rendered per message, with `message` (the item's value) and `index`
 *   beside the usual context: `"{{ message.station_id }}"`. An item's own key wins.
 * - `headers` go on every message; an item's own headers are added after them.
 */
export function parseKafkaProduceArguments(task: TaskSpec, template: TemplateContext): KafkaProduceArguments {
  const args = new TaskArguments(task);
  const profileName = args.optionalString('kafka_config_id')?.trim() || DEFAULT_KAFKA_PROFILE;
  const topic = args.requiredString('topic').trim();
  if (!args.has('messages'))
    throw args.error('messages', 'is required: a list of values, an object, or a template such as "{{ ti.xcom_pull(\'fetch\') }}"');
  const items = messageItems(task.messages);
  const keyTemplate = args.optionalString('key');
  const headers = Object.entries(args.optionalStringMap('headers') ?? {}).map(([key, value]) => ({ key, value }));
  const acks = parseAcks(task.acks, args);
  const compression = parseCompression(task.compression, args);

  const messages = items.map((item, index): OutgoingMessage => {
    const where = `messages[${index}]`;
    const spec = asMessageSpec(item);
    const value = spec ? spec.value : item;
    let key: string | null = null;
    if (spec?.key !== undefined && spec.key !== null) key = typeof spec.key === 'string' ? spec.key : JSON.stringify(spec.key);
    else if (keyTemplate !== undefined) key = renderKey(keyTemplate, template, value, index);
    const itemHeaders = spec?.headers === undefined ? [] : headerList(spec.headers, `${where}.headers`, args);
    const partition = spec?.partition;
    if (partition !== undefined && (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0)) {
      throw args.error(`${where}.partition`, `must be a partition number (0 or more), got ${JSON.stringify(partition)}`);
    }
    const timestamp = spec?.timestamp === undefined ? undefined : parseTimestamp(spec.timestamp, `${where}.timestamp`, args);
    const allHeaders = [...headers, ...itemHeaders];
    return {
      key,
      value: serialise(value),
      ...(allHeaders.length > 0 ? { headers: allHeaders } : {}),
      ...(partition === undefined ? {} : { partition }),
      ...(timestamp === undefined ? {} : { timestamp }),
    };
  });
  return { profileName, topic, messages, acks, compression };
}

function messageItems(messages: unknown): unknown[] {
  if (Array.isArray(messages)) return messages;
  if (typeof messages === 'string') {
    const trimmed = messages.trim();
    if (/^[[{]/.test(trimmed)) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        return Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        // Not JSON after all: one message with this text.
      }
    }
    return [messages];
  }
  return [messages];
}

interface MessageSpec {
  key?: unknown;
  value: unknown;
  headers?: unknown;
  partition?: unknown;
  timestamp?: unknown;
}

function asMessageSpec(item: unknown): MessageSpec | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const keys = Object.keys(item);
  if (!keys.includes('value') || !keys.every((key) => MESSAGE_KEYS.has(key))) return undefined;
  return item as MessageSpec;
}

function serialise(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function renderKey(keyTemplate: string, template: TemplateContext, message: unknown, index: number): string {
  const scope: TemplateContext & { message: unknown; index: number } = { ...template, message, index };
  const rendered = renderTemplate(keyTemplate, scope, { argument: 'key' });
  return typeof rendered === 'string' ? rendered : JSON.stringify(rendered);
}

function headerList(headers: unknown, name: string, args: TaskArguments): { key: string; value: string }[] {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers))
    throw args.error(name, 'must be an object of header names to values');
  return Object.entries(headers as Record<string, unknown>).map(([key, value]) => {
    if (typeof value === 'string') return { key, value };
    if (typeof value === 'number' || typeof value === 'boolean') return { key, value: String(value) };
    throw args.error(`${name}.${key}`, `must be a string, got ${JSON.stringify(value)}`);
  });
}

function parseTimestamp(value: unknown, name: string, args: TaskArguments): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.trunc(value);
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw args.error(name, `must be milliseconds since the epoch or an ISO date-time, got ${JSON.stringify(value)}`);
}

function parseAcks(value: unknown, args: TaskArguments): Acks {
  if (value === undefined || value === null || value === 'all' || value === -1 || value === '-1') return -1;
  if (value === 1 || value === '1') return 1;
  if (value === 0 || value === '0') return 0;
  throw args.error('acks', `must be -1 (all in-sync replicas), 1 (the leader) or 0 (none), got ${JSON.stringify(value)}`);
}

function parseCompression(value: unknown, args: TaskArguments): Compression {
  if (value === undefined || value === null || value === 'none') return 'none';
  if (value === 'gzip') return 'gzip';
  throw args.error('compression', `must be "none" or "gzip", got ${JSON.stringify(value)}`);
}
