import type { TaskSpec } from '../dag/dagFile';
import type { ConsumeStart } from '../kafka/KafkaClient';
import { DEFAULT_KAFKA_PROFILE } from '../kafka/KafkaConnectionProfile';
import type { KafkaDeserializer } from '../kafka/kafkaMessageToJson';
import { parseConsumeStart } from '../kafka/parseConsumeStart';
import { TaskArguments } from './TaskArguments';

/** A `kafka.consume` task's arguments, checked, with the schema's defaults applied. */
export interface KafkaConsumeArguments {
  readonly profileName: string;
  readonly topics: readonly string[];
  readonly groupId: string | undefined;
  readonly start: ConsumeStart;
  readonly maxMessages: number;
  readonly maxMs: number;
  readonly stopAtEnd: boolean;
  readonly deserializer: KafkaDeserializer;
}

export const DEFAULT_CONSUME_MAX_MESSAGES = 1000;
export const DEFAULT_CONSUME_MAX_SECONDS = 30;

/**
 * Reads a rendered `kafka.consume` task. `start` is `earliest` (default), `latest`, a date-time,
 * or an offset (a number, applied to every partition); `stop_at_end` (default true) ends the read
 * once the partitions are at the end offsets they had when the task started, so that a run reads
 * a batch and finishes; max_messages (default 1000) and max_seconds (default 30) bound it anyway.
 */
export function parseKafkaConsumeArguments(task: TaskSpec): KafkaConsumeArguments {
  const args = new TaskArguments(task);
  const profileName = args.optionalString('kafka_config_id')?.trim() || DEFAULT_KAFKA_PROFILE;
  const topics = parseTopics(task.topics, args);
  const groupId = args.optionalString('group_id')?.trim() || undefined;
  let start: ConsumeStart = 'earliest';
  if (task.start !== undefined && task.start !== null) {
    const parsed = parseConsumeStart(task.start);
    if ('error' in parsed) throw args.error('start', parsed.error);
    start = parsed.start;
  }
  const maxMessages = positiveNumber(task.max_messages, 'max_messages', args, true) ?? DEFAULT_CONSUME_MAX_MESSAGES;
  const maxSeconds = positiveNumber(task.max_seconds, 'max_seconds', args, false) ?? DEFAULT_CONSUME_MAX_SECONDS;
  const stopAtEnd = args.optionalBoolean('stop_at_end') ?? true;
  const deserializerText = args.optionalString('deserializer') ?? 'json';
  // `text` is what the issue calls it; the schema says `string`.
  const deserializer: KafkaDeserializer | undefined =
    deserializerText === 'json' ? 'json' : deserializerText === 'string' || deserializerText === 'text' ? 'string' : undefined;
  if (!deserializer) throw args.error('deserializer', `must be "json" or "string", got ${JSON.stringify(deserializerText)}`);
  return { profileName, topics, groupId, start, maxMessages, maxMs: maxSeconds * 1000, stopAtEnd, deserializer };
}

export function parseTopics(value: unknown, args: TaskArguments): string[] {
  // A template such as "{{ params.topics }}" renders a list to its JSON text.
  let topics = value;
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      topics = JSON.parse(value) as unknown;
    } catch {
      // Not a list after all; checked as a topic name below.
    }
  }
  const list = typeof topics === 'string' ? [topics] : topics;
  if (!Array.isArray(list) || list.length === 0 || !list.every((t): t is string => typeof t === 'string' && t.trim() !== '')) {
    throw args.error('topics', 'is required: a topic name or a list of topic names');
  }
  return [...new Set(list.map((t) => t.trim()))];
}

export function positiveNumber(value: unknown, name: string, args: TaskArguments, integer: boolean): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw args.error(name, `must be a ${integer ? 'whole number of at least 1' : 'number above 0'}, got ${JSON.stringify(value)}`);
  }
  return number;
}
