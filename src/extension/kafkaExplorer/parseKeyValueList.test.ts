import { describe, expect, it } from 'vitest';
import { parseKeyValueList } from './parseKeyValueList';

describe('parseKeyValueList', () => {
  it('reads pairs in order, keeps repeated keys and = inside values, skips empty parts', () => {
    expect(parseKeyValueList(' source=api, trace=a=b,, source=cli ', 'x=y')).toEqual([
      { key: 'source', value: 'api' },
      { key: 'trace', value: 'a=b' },
      { key: 'source', value: 'cli' },
    ]);
    expect(parseKeyValueList('', 'x=y')).toEqual([]);
  });

  it('says which entry is not name=value', () => {
    expect(parseKeyValueList('a=1, oops', 'retention.ms=1000')).toBe('"oops" is not name=value (e.g. retention.ms=1000).');
    expect(parseKeyValueList('=v', 'x=y')).toBe('"=v" is not name=value (e.g. x=y).');
  });
});
