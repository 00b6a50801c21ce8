import { describe, expect, it } from 'vitest';
import { bindParameters } from './bindParameters';
import { findSqlParameters } from './scanSqlText';

const bind = (sql: string, params: Parameters<typeof bindParameters>[1], lenient = false) =>
  bindParameters(findSqlParameters(sql), params, lenient);

describe('bindParameters', () => {
  it('binds a list to ? and an object to named placeholders, with or without the prefix', () => {
    expect(bind('SELECT ?, ?', ['a', 2])).toEqual(['a', 2]);
    expect(bind('SELECT :city, @n', { city: 'Lisbon', '@n': 3 })).toEqual({ ':city': 'Lisbon', '@n': 3 });
  });

  it('binds numbered keys to ? placeholders (what --param 1=x gives)', () => {
    expect(bind('SELECT ?, ?2', { '1': 'a', '2': 'b' })).toEqual(['a', 'b']);
  });

  it('converts booleans, bigints and JSON values, and refuses what SQLite cannot store', () => {
    expect(bind('SELECT ?, ?, ?, ?, ?', [true, 12n, 2n ** 70n, { a: 1 }, null])).toEqual([
      1,
      12,
      '1180591620717411303424',
      '{"a":1}',
      null,
    ]);
    expect(() => bind('SELECT ?', [Number.NaN])).toThrow(/parameter 1 is NaN/);
    expect(() => bind('SELECT ?', [undefined])).toThrow(/parameter 1 is undefined; pass null/);
  });

  it('names what is missing or surplus instead of binding NULL', () => {
    expect(() => bind('SELECT :a, :b', { a: 1 })).toThrow('no value for :b (given: a); add it to the parameters');
    expect(() => bind('SELECT ?', [1, 2])).toThrow('the statement has 1 placeholder(s) (?) but 2 parameter(s) were given');
    expect(() => bind('SELECT :a', [1])).toThrow(/give the parameters as an object/);
    expect(() => bind('SELECT 1', [1])).toThrow(/no placeholders/);
    expect(() => bind('SELECT ?', undefined)).toThrow(/no parameters were given/);
  });

  it('lets statements of a script ignore parameters they do not use', () => {
    expect(bind('CREATE TABLE t(a)', { a: 1 }, true)).toBeUndefined();
    expect(bind('SELECT :a', { a: 1, b: 2 }, true)).toEqual({ ':a': 1 });
  });
});
