import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '../kafka/KafkaClient';
import { columnsReadValue, compileSinkColumns, mapMessageInto, mapMessageToRow, messageSource, valueFieldsOf } from './compileSinkColumns';

function message(value: string | null, extra: Partial<KafkaMessage> = {}): KafkaMessage {
  return {
    topic: 'weather',
    partition: 2,
    offset: 41,
    timestamp: 1_764_000_000_000,
    key: Buffer.from('lisbon'),
    value: value === null ? null : Buffer.from(value),
    headers: [],
    ...extra,
  };
}

const columns = compileSinkColumns({
  id: { path: '$.id', type: 'INTEGER', required: true },
  city: { path: '$.station.city', type: 'TEXT' },
  temp: { path: '$.readings[0]', type: 'REAL' },
  odd: { path: '$["a key"]', type: 'TEXT' },
  raw: { path: '$', type: 'JSON' },
  k: { path: '$key', type: 'TEXT' },
  p: { path: '$partition', type: 'INTEGER' },
  o: { path: '$offset', type: 'INTEGER' },
  ts: { path: '$timestamp', type: 'INTEGER' },
  t: { path: '$topic', type: 'TEXT' },
  h: { path: '$headers', type: 'JSON' },
  source: { path: '$headers.source', type: 'TEXT' },
});

describe('mapMessageToRow', () => {
  it('reads fields, list items, quoted keys, the whole event and the message metadata', () => {
    const event = { id: 7, station: { city: 'Lisbon' }, readings: [31.5, 30], 'a key': 'x' };
    const headers = [
      { key: 'source', value: Buffer.from('api') },
      { key: 'trace', value: Buffer.from('t-1') },
    ];
    const result = mapMessageToRow(message(JSON.stringify(event), { headers }), columns, columnsReadValue(columns), 1024);
    expect(result).toEqual({
      row: [
        7,
        'Lisbon',
        31.5,
        'x',
        JSON.stringify(event),
        'lisbon',
        2,
        41,
        1_764_000_000_000,
        'weather',
        '{"source":"api","trace":"t-1"}',
        'api',
      ],
    });
  });

  it('gives NULL for a missing optional field, and converts where the type allows', () => {
    const result = mapMessageToRow(message('{"id":"123456789012345678","readings":["2.5"],"station":{"city":12}}'), columns, true, 1024);
    expect(result).toEqual({
      row: [123456789012345678n, '12', 2.5, null, expect.any(String), 'lisbon', 2, 41, 1_764_000_000_000, 'weather', '{}', null],
    });
  });

  it.each([
    ['{"id": 1', 'invalid JSON'],
    ['{"station":{"city":"x"}}', 'missing required field $.id (column "id")'],
    ['{"id": 1.5}', 'wrong type at $.id (column "id"): expected INTEGER, got number 1.5'],
    ['{"id": 1, "station": {"city": {"name": "x"}}}', 'wrong type at $.station.city (column "city"): expected TEXT, got an object'],
    [`{"id": 1, "pad": "${'x'.repeat(2000)}"}`, 'oversized value: 2020 bytes, above max_value_bytes (1024)'],
    [null, 'tombstone'],
  ])('sends a bad event to the dead letters: %#', (value, reason) => {
    const result = mapMessageToRow(message(value), columns, true, 1024);
    expect('reason' in result && result.reason).toContain(reason);
  });

  it('does not parse the value when only metadata is mapped', () => {
    const meta = compileSinkColumns({ o: { path: '$offset', type: 'INTEGER' } });
    expect(columnsReadValue(meta)).toBe(false);
    expect(mapMessageToRow(message('not json'), meta, false, 1)).toEqual({ row: [41] });
  });

  it('refuses a path it does not understand, naming the column', () => {
    expect(() => compileSinkColumns({ bad: { path: 'city', type: 'TEXT' } })).toThrow('column "bad": path "city" is not understood');
    expect(() => compileSinkColumns({ bad: { path: '$.a..b', type: 'TEXT' } })).toThrow('column "bad"');
  });
});

describe('valueFieldsOf', () => {
  const flat = compileSinkColumns({
    id: { path: '$.id', type: 'INTEGER', required: true },
    city: { path: '$.city', type: 'TEXT' },
    temp: { path: '$.temp', type: 'REAL' },
    again: { path: '$.id', type: 'TEXT' },
    tags: { path: '$.tags', type: 'JSON' },
    o: { path: '$offset', type: 'INTEGER' },
  });

  it('scans only mappings of top-level fields that plain objects do not inherit', () => {
    expect(valueFieldsOf(flat)?.slots).toEqual(Int32Array.from([0, 1, 2, 0, 3, -1]));
    expect(valueFieldsOf(columns)).toBeUndefined();
    expect(valueFieldsOf(compileSinkColumns({ c: { path: '$.constructor', type: 'TEXT' } }))).toBeUndefined();
    expect(valueFieldsOf(compileSinkColumns({ o: { path: '$offset', type: 'INTEGER' } }))).toBeUndefined();
  });

  it('maps every event as parsing it does: the same rows and the same dead-letter reasons', () => {
    const values = [
      '{"id": 1, "city": "Lisbon", "temp": 31.5, "tags": null}',
      '{"id": "123456789012345678", "city": 42, "temp": "2.5", "pad": [1, {"x": "y"}]}',
      '{"id": 1.5}',
      '{"city": "no id"}',
      '{"id": 2, "tags": ["a", {"b": 1}]}',
      '{"id": 3, "temp": true}',
      '{"id": 4, "city": {"name": "Porto"}}',
      '{"id": oops',
      '[1, 2]',
      '',
      '{"id": 5, "city": "a\\u00e9\\"b", "temp": -1.25e2}',
    ];
    const fields = valueFieldsOf(flat)!;
    for (const value of values) {
      const source = messageSource(message(value));
      const scanned: unknown[] = [];
      const parsed: unknown[] = [];
      const reason = mapMessageInto(source, flat, true, 1024, scanned, 0, fields);
      expect(reason, value).toBe(mapMessageInto(source, flat, true, 1024, parsed, 0));
      if (reason === undefined) expect(scanned, value).toEqual(parsed);
    }
  });
});
