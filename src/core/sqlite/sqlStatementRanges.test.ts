import { describe, expect, it } from 'vitest';
import { sqlStatementRanges, statementKeywords } from './scanSqlText';

describe('sqlStatementRanges', () => {
  it('finds each statement from its first token to its semicolon, comments before it excluded', () => {
    const sql = "-- weather\nSELECT 1;\n\n/* two */ INSERT INTO t VALUES ('a;b');\nSELECT 3";
    const ranges = sqlStatementRanges(sql);
    expect(ranges.map((r) => r.text)).toEqual(['SELECT 1', "INSERT INTO t VALUES ('a;b')", 'SELECT 3']);
    expect(sql.slice(ranges[0]!.start, ranges[0]!.end)).toBe('SELECT 1;');
    expect(ranges[2]!.end).toBe(sql.length);
  });

  it('keeps a trigger body whole and ignores empty statements and comment-only text', () => {
    const sql = `CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = 1; DELETE FROM u; END;;\n-- only a comment\n;`;
    const ranges = sqlStatementRanges(sql);
    expect(ranges).toHaveLength(1);
    expect(ranges[0]!.text).toBe('CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = 1; DELETE FROM u; END');
    expect(sqlStatementRanges('  -- nothing\n /* here */ ;')).toEqual([]);
  });

  it('agrees with statementKeywords on how many statements there are', () => {
    const scripts = ['SELECT 1; SELECT 2', 'SELECT \';\'; SELECT "a;b"', 'PRAGMA x; BEGIN; COMMIT;', 'SELECT `x;y`; SELECT [a;b]'];
    for (const sql of scripts) expect(sqlStatementRanges(sql)).toHaveLength(statementKeywords(sql).length);
  });
});
