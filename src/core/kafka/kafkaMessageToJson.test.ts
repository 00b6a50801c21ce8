import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from './KafkaClient';
import { kafkaMessageToJson } from './kafkaMessageToJson';
import { redactSecrets } from './redactSecrets';
import { summarizeProduced } from './summarizeProduced';

const message: KafkaMessage = {
  topic: 'weather',
  partition: 2,
  offset: 41,
  timestamp: 1_790_000_000_000,
  key: Buffer.from('"station-1"'),
  value: Buffer.from('{"temp":31.5}'),
  headers: [
    { key: 'source', value: Buffer.from('kcat') },
    { key: 'trace', value: Buffer.from('a') },
    { key: 'trace', value: Buffer.from('b') },
  ],
};

describe('kafkaMessageToJson', () => {
  it('parses JSON keys and values with the json deserializer, keeps text otherwise', () => {
    expect(kafkaMessageToJson(message, 'json')).toEqual({
      topic: 'weather',
      partition: 2,
      offset: 41,
      timestamp: 1_790_000_000_000,
      key: 'station-1',
      value: { temp: 31.5 },
      headers: { source: 'kcat', trace: ['a', 'b'] },
    });
    expect(kafkaMessageToJson({ ...message, value: Buffer.from('not json') }, 'json').value).toBe('not json');
    expect(kafkaMessageToJson(message, 'string')).toMatchObject({ key: '"station-1"', value: '{"temp":31.5}' });
    expect(kafkaMessageToJson({ ...message, key: null, value: null }, 'json')).toMatchObject({ key: null, value: null });
  });
});

describe('summarizeProduced', () => {
  it('counts messages and offset ranges per partition', () => {
    expect(
      summarizeProduced([
        { partition: 1, offset: 10 },
        { partition: 0, offset: 3 },
        { partition: 1, offset: 11 },
      ]),
    ).toEqual([
      { partition: 0, count: 1, first_offset: 3, last_offset: 3 },
      { partition: 1, count: 2, first_offset: 10, last_offset: 11 },
    ]);
    expect(summarizeProduced([{ partition: 0, offset: null }])).toEqual([
      { partition: 0, count: 1, first_offset: null, last_offset: null },
    ]);
  });
});

describe('redactSecrets', () => {
  it('replaces every secret, longest first', () => {
    expect(redactSecrets('user=etl password=hunter2 again hunter2', ['hunter2', 'hunter'])).toBe('user=etl password=*** again ***');
    expect(redactSecrets('nothing here', [''])).toBe('nothing here');
  });
});
