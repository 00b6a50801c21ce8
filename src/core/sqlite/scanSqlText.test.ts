import { describe, expect, it } from 'vitest';
import { findSqlParameters, isReadOnlyStatement, leadingKeyword, lineColumnAt, skipSqlTrivia, statementKeywords } from './scanSqlText';

describe('findSqlParameters', () => {
  it('numbers ? as SQLite does and collects named placeholders once', () => {
    expect(findSqlParameters('SELECT ?, ?, ?5, ?')).toEqual({ positional: 6, named: [] });
    expect(findSqlParameters('SELECT :a, @b, $c, :a')).toEqual({ positional: 0, named: [':a', '@b', '$c'] });
  });

  it('ignores placeholders inside strings, quoted identifiers and comments', () => {
    const sql = `SELECT '?:a', "?b", [?c], \`:d\`, 'it''s ?' -- ? :e\n /* :f ? */ FROM t WHERE x = :real`;
    expect(findSqlParameters(sql)).toEqual({ positional: 0, named: [':real'] });
  });

  it('does not take a $ inside an identifier for a parameter', () => {
    expect(findSqlParameters('SELECT a$b FROM t')).toEqual({ positional: 0, named: [] });
  });
});

describe('statement text helpers', () => {
  it('skips whitespace, comments and empty statements to the first token', () => {
    const sql = '  -- note\n /* block */ ;; SELECT 1';
    expect(sql.slice(skipSqlTrivia(sql))).toBe('SELECT 1');
    expect(leadingKeyword('/* x */ insert into t values (1)')).toBe('INSERT');
  });

  it('gives 1-based lines and columns', () => {
    expect(lineColumnAt('a\nbc\ndef', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt('a\nbc\ndef', 6)).toEqual({ line: 3, column: 2 });
  });

  it('splits keywords per statement, keeping a trigger body in one statement', () => {
    const script = `CREATE TABLE t(a); CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (1); UPDATE x SET y = 'a;b'; END; BEGIN; COMMIT`;
    expect(statementKeywords(script)).toEqual(['CREATE', 'CREATE', 'BEGIN', 'COMMIT']);
    expect(statementKeywords('SELECT 1; -- trailing comment')).toEqual(['SELECT']);
  });

  it('judges which statements cannot write', () => {
    for (const sql of [
      'SELECT 1',
      'with x as (select 1) select * from x',
      'PRAGMA table_info(t)',
      'PRAGMA user_version',
      'EXPLAIN QUERY PLAN SELECT 1',
    ])
      expect(isReadOnlyStatement(sql), sql).toBe(true);
    for (const sql of [
      'INSERT INTO t VALUES (1)',
      'PRAGMA user_version = 3',
      'PRAGMA user_version(3)',
      'PRAGMA optimize',
      'CREATE TABLE t(a)',
      'VACUUM',
    ])
      expect(isReadOnlyStatement(sql), sql).toBe(false);
  });
});
