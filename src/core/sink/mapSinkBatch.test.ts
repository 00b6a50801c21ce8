import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '../kafka/KafkaClient';
import { compileSinkColumns, mapMessageToRow, columnsReadValue } from './compileSinkColumns';
import { mapSinkBatch, type SinkTableSpec } from './mapSinkBatch';
import { packSinkMessages } from './packSinkMessages';

const spec: SinkTableSpec = {
  table: 'events',
  columns: compileSinkColumns({
    id: { path: '$.id', type: 'INTEGER', required: true },
    city: { path: '$.city', type: 'TEXT' },
    o: { path: '$offset', type: 'INTEGER' },
  }),
  primaryKey: [],
  deadLetterTable: 'events_dead',
  maxValueBytes: 64,
};

function message(offset: number, value: string | null, headers: KafkaMessage['headers'] = []): KafkaMessage {
  return {
    topic: 'weather',
    partition: 1,
    offset,
    timestamp: 1000 + offset,
    key: Buffer.from(`k${offset}`),
    value: value === null ? null : Buffer.from(value),
    headers,
  };
}

describe('mapSinkBatch', () => {
  it('puts the good rows one after the other and dead-letters the rest with their raw bytes and reason', () => {
    const messages = [
      message(0, '{"id": 1, "city": "Lisbon"}'),
      message(1, '{"id": oops'),
      message(2, '{"id": "12345678901234567", "city": null}'),
      message(3, '{"city": "no id"}', [{ key: 'trace', value: Buffer.from('t-1') }]),
      message(4, `{"id": 5, "pad": "${'x'.repeat(80)}"}`),
      message(5, null),
      message(6, '{"id": 7, "city": 42}'),
    ];
    const mapped = mapSinkBatch(packSinkMessages(messages), 'weather', 1, spec, '2026-01-01T00:00:00.000Z');
    expect(mapped.rows).toBe(3);
    expect(mapped.values).toEqual([1, 'Lisbon', 0, 12345678901234567n, null, 2, 7, '42', 6]);
    expect(mapped.deadLetters.map((d) => [d[2], d[7]])).toEqual([
      [1, expect.stringMatching(/^invalid JSON/)],
      [3, 'missing required field $.id (column "id")'],
      [4, expect.stringMatching(/^oversized value: \d+ bytes, above max_value_bytes \(64\)/)],
      [5, 'tombstone: the message has no value'],
    ]);
    const [first] = mapped.deadLetters;
    expect(first).toEqual([
      'weather',
      1,
      1,
      1001,
      Buffer.from('k1'),
      Buffer.from('{"id": oops'),
      null,
      expect.any(String),
      '2026-01-01T00:00:00.000Z',
    ]);
    expect(mapped.deadLetters[1]![6]).toBe(JSON.stringify([{ key: 'trace', value: Buffer.from('t-1').toString('base64') }]));
  });

  it('maps every message as mapMessageToRow does', () => {
    const messages = [message(0, '{"id": 1, "city": "a"}'), message(1, '{"id": 1.5}'), message(2, '{"id": 3, "city": true}')];
    const mapped = mapSinkBatch(packSinkMessages(messages), 'weather', 1, spec, 'now');
    const oneByOne = messages.map((m) => mapMessageToRow(m, spec.columns, columnsReadValue(spec.columns), spec.maxValueBytes));
    expect(mapped.values).toEqual(oneByOne.flatMap((r) => ('row' in r ? r.row : [])));
    expect(mapped.deadLetters.map((d) => d[7])).toEqual(oneByOne.flatMap((r) => ('reason' in r ? [r.reason] : [])));
  });

  it('reads keys, headers and metadata from the packed batch as from the messages', () => {
    const meta: SinkTableSpec = {
      ...spec,
      columns: compileSinkColumns({
        k: { path: '$key', type: 'TEXT' },
        trace: { path: '$headers.trace', type: 'TEXT' },
        all: { path: '$headers', type: 'JSON' },
        ts: { path: '$timestamp', type: 'INTEGER' },
        p: { path: '$partition', type: 'INTEGER' },
        t: { path: '$topic', type: 'TEXT' },
        id: { path: '$.id', type: 'INTEGER' },
      }),
    };
    const messages = [
      message(0, '{"id": 1}', [
        { key: 'trace', value: Buffer.from('t-1') },
        { key: 'trace', value: Buffer.from('t-2') },
        { key: 'ünï', value: Buffer.from('✓') },
      ]),
      { ...message(1, '{"id": 2}'), key: null },
      message(2, null),
    ];
    const mapped = mapSinkBatch(packSinkMessages(messages), 'weather', 1, meta, 'now');
    const oneByOne = messages.map((m) => mapMessageToRow(m, meta.columns, columnsReadValue(meta.columns), meta.maxValueBytes));
    expect(mapped.values).toEqual(oneByOne.flatMap((r) => ('row' in r ? r.row : [])));
    expect(mapped.values.slice(0, 7)).toEqual(['k0', 't-2', '{"trace":"t-2","ünï":"✓"}', 1000, 1, 'weather', 1]);
    expect(mapped.values.slice(7, 9)).toEqual([null, null]);
    expect(mapped.deadLetters.map((d) => [d[2], d[4], d[5], d[7]])).toEqual([
      [2, Buffer.from('k2'), null, 'tombstone: the message has no value'],
    ]);
  });
});
