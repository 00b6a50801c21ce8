import type { KafkaMessage } from './KafkaClient';

/** How keys and values become JSON: parsed as JSON where they are JSON, or kept as text. */
export type KafkaDeserializer = 'json' | 'string';

/**
 * A message as plain JSON: the consume operator's XCom items and the CLI's `--json` lines. Keys
 * and values are text (UTF-8) or, with the `json` deserializer, the parsed JSON where they parse.
 * A header that appears more than once becomes a list of its values.
 */
export interface KafkaMessageJson {
  topic: string;
  partition: number;
  offset: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  key: unknown;
  value: unknown;
  headers: Record<string, string | string[]>;
}

export function kafkaMessageToJson(message: KafkaMessage, deserializer: KafkaDeserializer): KafkaMessageJson {
  const headers: Record<string, string | string[]> = {};
  for (const { key, value } of message.headers) {
    const text = value.toString('utf8');
    const existing = headers[key];
    headers[key] = existing === undefined ? text : [...(Array.isArray(existing) ? existing : [existing]), text];
  }
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: decode(message.key, deserializer),
    value: decode(message.value, deserializer),
    headers,
  };
}

function decode(bytes: Buffer | null, deserializer: KafkaDeserializer): unknown {
  if (bytes === null) return null;
  const text = bytes.toString('utf8');
  if (deserializer === 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
