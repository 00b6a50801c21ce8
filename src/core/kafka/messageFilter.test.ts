import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from './KafkaClient';
import { compileMessageFilter, parseJsonPathCondition } from './messageFilter';

function message(value: string | null, key: string | null = null, headers: Record<string, string> = {}): KafkaMessage {
  return {
    topic: 't',
    partition: 0,
    offset: 0,
    timestamp: 0,
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    headers: Object.entries(headers).map(([k, v]) => ({ key: k, value: Buffer.from(v) })),
  };
}

function matches(spec: { text?: string; jsonPath?: string }, m: KafkaMessage): boolean {
  const compiled = compileMessageFilter(spec);
  if ('error' in compiled) throw new Error(compiled.error);
  return compiled.predicate(m);
}

describe('compileMessageFilter', () => {
  const paris = message('{"city":"Paris","temp":31.5,"tags":["heat","sun"],"nested":{"a b":[1,2]}}', 'station-7', { source: 'api' });

  it('matches text in the value, the key and headers, case-insensitively', () => {
    expect(matches({ text: 'paris' }, paris)).toBe(true);
    expect(matches({ text: 'STATION-7' }, paris)).toBe(true);
    expect(matches({ text: 'api' }, paris)).toBe(true);
    expect(matches({ text: 'london' }, paris)).toBe(false);
  });

  it('evaluates JSON paths with comparisons', () => {
    expect(matches({ jsonPath: '$.city == "Paris"' }, paris)).toBe(true);
    expect(matches({ jsonPath: '$.city == Paris' }, paris)).toBe(true);
    expect(matches({ jsonPath: '$.city != Paris' }, paris)).toBe(false);
    expect(matches({ jsonPath: '$.temp > 30' }, paris)).toBe(true);
    expect(matches({ jsonPath: '$.temp<=30' }, paris)).toBe(false);
    expect(matches({ jsonPath: '$.tags[0] ~ HE' }, paris)).toBe(true);
    expect(matches({ jsonPath: '$.nested["a b"][1] == 2' }, paris)).toBe(true);
    expect(matches({ jsonPath: '$.missing' }, paris)).toBe(false);
    expect(matches({ jsonPath: '$.city' }, paris)).toBe(true);
  });

  it('never matches a JSON path on values that are not JSON, or tombstones', () => {
    expect(matches({ jsonPath: '$.city' }, message('city=Paris'))).toBe(false);
    expect(matches({ jsonPath: '$.city' }, message(null))).toBe(false);
  });

  it('combines text and path', () => {
    expect(matches({ text: 'sun', jsonPath: '$.temp > 30' }, paris)).toBe(true);
    expect(matches({ text: 'rain', jsonPath: '$.temp > 30' }, paris)).toBe(false);
  });

  it('explains a path that does not parse', () => {
    const result = parseJsonPathCondition('city == 1');
    expect(result).toEqual({ error: expect.stringContaining('must start with $') });
    expect(parseJsonPathCondition('$.a ==')).toEqual({ error: expect.stringContaining('value is missing') });
    expect(parseJsonPathCondition('$.[x]')).toEqual({ error: expect.stringContaining('field name is missing') });
  });
});
