import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeUnreadableSql, resolvePanelDatabase, runPanelQueries } from './runPanelQuery';

const root = mkdtempSync(path.join(tmpdir(), 'dagstream-dashboard-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The real sqlite3 tool writes the database the dashboard reads. */
function sqlite3(file: string, sql: string): void {
  execFileSync('sqlite3', ['-batch', file, sql]);
}

describe('runPanelQueries', () => {
  mkdirSync(path.join(root, 'data'));
  const file = path.join(root, 'data', 'weather.sqlite');
  sqlite3(
    file,
    `CREATE TABLE readings(day TEXT, city TEXT, temp REAL, payload BLOB);
     INSERT INTO readings VALUES ('2026-07-01','Lyon',31.5,x'0102'),('2026-07-01','Oslo',19,NULL),('2026-07-02','Lyon',34,NULL);`,
  );

  it('runs every panel on a database written by sqlite3, and says why a panel has no rows', async () => {
    const outcomes = await runPanelQueries(root, [
      { database: 'data/weather.sqlite', sql: 'SELECT day, city, temp FROM readings ORDER BY day, city' },
      { database: 'data/weather.sqlite', sql: 'SELECT length(payload) AS n, payload FROM readings WHERE payload IS NOT NULL' },
      { database: 'data/weather.sqlite', sql: 'SELECT nope FROM readings' },
      { database: 'data/missing.sqlite', sql: 'SELECT 1' },
      { database: 'data/weather.sqlite', sql: 'DELETE FROM readings' },
    ]);
    expect(outcomes[0]).toMatchObject({
      ok: true,
      columns: ['day', 'city', 'temp'],
      rows: [
        ['2026-07-01', 'Lyon', 31.5],
        ['2026-07-01', 'Oslo', 19],
        ['2026-07-02', 'Lyon', 34],
      ],
      totalRows: 3,
      truncated: false,
    });
    expect(outcomes[1]).toMatchObject({ ok: true, rows: [[2, '<BLOB, 2 bytes>']] });
    expect(outcomes[2]).toMatchObject({ ok: false });
    expect(outcomes[2]?.ok === false && outcomes[2].error).toContain('no such column: nope');
    expect(outcomes[3]?.ok === false && outcomes[3].error).toContain('No database at "data/missing.sqlite"');
    expect(outcomes[4]?.ok === false && outcomes[4].error).toContain('only read');
    // Nothing was deleted.
    expect(execFileSync('sqlite3', ['-batch', file, 'SELECT count(*) FROM readings'], { encoding: 'utf8' }).trim()).toBe('3');
  });

  it('sees rows that sqlite3 adds between two refreshes', async () => {
    const query = { database: 'data/weather.sqlite', sql: 'SELECT count(*) AS n FROM readings' };
    const [before] = await runPanelQueries(root, [query]);
    sqlite3(file, "INSERT INTO readings VALUES ('2026-07-03','Oslo',21,NULL);");
    const [after] = await runPanelQueries(root, [query]);
    expect(before).toMatchObject({ ok: true, rows: [[3]] });
    expect(after).toMatchObject({ ok: true, rows: [[4]] });
  });
});

describe('resolvePanelDatabase', () => {
  it('refuses absolute paths and paths outside the workspace', () => {
    expect(resolvePanelDatabase(root, '/etc/passwd')).toMatchObject({ error: expect.stringContaining('absolute path') });
    expect(resolvePanelDatabase(root, '../x.sqlite')).toMatchObject({ error: expect.stringContaining('outside the workspace') });
  });
});

describe('describeUnreadableSql', () => {
  it('lets queries through and refuses writes and scripts', () => {
    expect(describeUnreadableSql("SELECT replace(city, 'a', 'b') FROM t")).toBeUndefined();
    expect(describeUnreadableSql("WITH t AS (SELECT 'delete' AS w) SELECT * FROM t")).toBeUndefined();
    expect(describeUnreadableSql('VALUES (1, 2)')).toBeUndefined();
    expect(describeUnreadableSql('WITH t AS (SELECT 1) DELETE FROM x')).toContain('DELETE');
    expect(describeUnreadableSql('UPDATE t SET a = 1')).toContain('UPDATE');
    expect(describeUnreadableSql('SELECT 1; SELECT 2')).toContain('2 statements');
    expect(describeUnreadableSql('  -- nothing\n')).toContain('no SQL');
  });
});
