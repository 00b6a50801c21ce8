import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../dag/dagFile';
import { createTestRunContext } from '../executor/createTestRunContext';
import { parseKafkaProduceArguments } from './kafkaProduceArguments';

const template = createTestRunContext().template;

function task(extra: Partial<TaskSpec>): TaskSpec {
  return { task_id: 'publish', operator: 'kafka.produce', topic: 'weather', messages: [], ...extra };
}

const text = (value: Buffer | string | null | undefined): string | null | undefined => (Buffer.isBuffer(value) ? value.toString() : value);

describe('parseKafkaProduceArguments', () => {
  it('sends each list item as one message: strings as text, everything else as JSON', () => {
    const args = parseKafkaProduceArguments(task({ messages: ['plain', { temp: 31 }, 7, null] }), template);
    expect(args.messages.map((m) => text(m.value))).toEqual(['plain', '{"temp":31}', '7', null]);
    expect(args).toMatchObject({ profileName: 'default', topic: 'weather', acks: -1, compression: 'none' });
  });

  it('reads a rendered XCom (JSON text) as the list it was, and a single object as one message', () => {
    expect(parseKafkaProduceArguments(task({ messages: '[{"a":1},{"a":2}]' }), template).messages).toHaveLength(2);
    expect(parseKafkaProduceArguments(task({ messages: { a: 1 } }), template).messages.map((m) => text(m.value))).toEqual(['{"a":1}']);
    expect(parseKafkaProduceArguments(task({ messages: 'hello {not json' }), template).messages.map((m) => text(m.value))).toEqual([
      'hello {not json',
    ]);
  });

  it("renders the key per message with the message in scope; an item's own key, headers and partition win", () => {
    const args = parseKafkaProduceArguments(
      task({
        messages: [
          { station: 'lisbon', t: 1 },
          { key: 'explicit', value: { t: 2 }, headers: { trace: 'x' }, partition: 2 },
        ],
        key: '{{ message.station }}-{{ params.city }}-{{ index }}',
        headers: { source: 'dagstream', run: 7 },
      }),
      template,
    );
    expect(args.messages[0]).toMatchObject({
      key: 'lisbon-Lisbon-0',
      headers: [
        { key: 'source', value: 'dagstream' },
        { key: 'run', value: '7' },
      ],
    });
    expect(args.messages[1]).toMatchObject({
      key: 'explicit',
      value: '{"t":2}',
      partition: 2,
      headers: [
        { key: 'source', value: 'dagstream' },
        { key: 'run', value: '7' },
        { key: 'trace', value: 'x' },
      ],
    });
  });

  it('keeps data records that merely have a "value" field as values', () => {
    const args = parseKafkaProduceArguments(task({ messages: [{ value: 3, unit: 'mm' }] }), template);
    expect(text(args.messages[0]!.value)).toBe('{"value":3,"unit":"mm"}');
  });

  it('checks acks, compression, topic and messages, naming the task and the argument', () => {
    expect(parseKafkaProduceArguments(task({ acks: 1, compression: 'gzip' }), template)).toMatchObject({ acks: 1, compression: 'gzip' });
    expect(() => parseKafkaProduceArguments(task({ acks: 2 }), template)).toThrow(
      'Task "publish": argument "acks" must be -1 (all in-sync replicas), 1 (the leader) or 0 (none), got 2.',
    );
    expect(() => parseKafkaProduceArguments(task({ compression: 'snappy' }), template)).toThrow(
      'argument "compression" must be "none" or "gzip"',
    );
    expect(() => parseKafkaProduceArguments(task({ topic: '' }), template)).toThrow('argument "topic" is required');
    expect(() => parseKafkaProduceArguments({ task_id: 'publish', operator: 'kafka.produce', topic: 't' }, template)).toThrow(
      'argument "messages" is required',
    );
    expect(() => parseKafkaProduceArguments(task({ messages: [{ value: 1, partition: -1 }] }), template)).toThrow(
      'argument "messages[0].partition" must be a partition number',
    );
  });
});
