import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../dag/dagFile';
import { parseKafkaConsumeArguments } from './kafkaConsumeArguments';

function task(extra: Partial<TaskSpec>): TaskSpec {
  return { task_id: 'read', operator: 'kafka.consume', topics: 'weather', ...extra };
}

describe('parseKafkaConsumeArguments', () => {
  it('applies the schema defaults', () => {
    expect(parseKafkaConsumeArguments(task({}))).toEqual({
      profileName: 'default',
      topics: ['weather'],
      groupId: undefined,
      start: 'earliest',
      maxMessages: 1000,
      maxMs: 30_000,
      stopAtEnd: true,
      deserializer: 'json',
    });
  });

  it('reads topic lists (also rendered as JSON text), groups, starts and stop conditions', () => {
    expect(
      parseKafkaConsumeArguments(
        task({
          kafka_config_id: 'prod',
          topics: '["a","b","a"]',
          group_id: 'loader',
          start: '2026-11-01T06:00:00Z',
          max_messages: 5,
          max_seconds: 1.5,
          stop_at_end: false,
          deserializer: 'string',
        }),
      ),
    ).toEqual({
      profileName: 'prod',
      topics: ['a', 'b'],
      groupId: 'loader',
      start: { timestamp: Date.UTC(2026, 10, 1, 6) },
      maxMessages: 5,
      maxMs: 1500,
      stopAtEnd: false,
      deserializer: 'string',
    });
    expect(parseKafkaConsumeArguments(task({ start: 42 })).start).toEqual({ offset: 42 });
    expect(parseKafkaConsumeArguments(task({ start: 'latest', deserializer: 'text' }))).toMatchObject({
      start: 'latest',
      deserializer: 'string',
    });
  });

  it('names the argument at fault', () => {
    expect(() => parseKafkaConsumeArguments(task({ topics: [] }))).toThrow(
      'Task "read": argument "topics" is required: a topic name or a list of topic names.',
    );
    expect(() => parseKafkaConsumeArguments(task({ start: 'soon' }))).toThrow('argument "start" "soon" is not a start position');
    expect(() => parseKafkaConsumeArguments(task({ max_messages: 0 }))).toThrow(
      'argument "max_messages" must be a whole number of at least 1, got 0.',
    );
    expect(() => parseKafkaConsumeArguments(task({ max_seconds: -1 }))).toThrow('argument "max_seconds" must be a number above 0');
    expect(() => parseKafkaConsumeArguments(task({ deserializer: 'avro' }))).toThrow('argument "deserializer" must be "json" or "string"');
  });
});
