import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { registerSqlCommand } from './registerSqlCommand';

const root = mkdtempSync(path.join(tmpdir(), 'dagstream-cli-sql-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs `dagstream sql ...args` in-process and returns what it printed. */
async function sql(...args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const program = new Command('dagstream').exitOverride();
  registerSqlCommand(program);
  await program.parseAsync(['node', 'dagstream', 'sql', ...args]);
  vi.restoreAllMocks();
  return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
}

describe('dagstream sql', () => {
  const db = path.join(root, 'weather.db');

  it('creates, writes and queries with bound parameters, as a table, JSON or CSV', async () => {
    const created = await sql(
      db,
      "CREATE TABLE w(city TEXT, zip TEXT, temp REAL); INSERT INTO w VALUES (:city, :zip, :temp), ('Porto', NULL, 20)",
      '--param',
      'city=Lisbon',
      '--param',
      'zip=01234',
      '--param',
      'temp=31.5',
    );
    expect(created.stderr).toContain('2 row(s) changed; saved');
    expect(execFileSync('sqlite3', [db, "SELECT zip, typeof(temp) FROM w WHERE city = 'Lisbon'"], { encoding: 'utf8' }).trim()).toBe(
      '01234|real',
    );

    const table = await sql(db, 'SELECT city, zip, temp FROM w ORDER BY city');
    expect(table.stdout).toBe('city    zip    temp\n------  -----  ----\nLisbon  01234  31.5\nPorto   NULL   20\n');
    expect(table.stderr).toBe('2 row(s)\n');

    const json = await sql(db, 'SELECT city, temp FROM w WHERE temp > ?', '--param', '1=25', '--json');
    expect(JSON.parse(json.stdout)).toEqual([{ city: 'Lisbon', temp: 31.5 }]);

    const csv = await sql(db, 'SELECT city, zip FROM w ORDER BY city', '--csv', '--limit', '1');
    expect(csv.stdout).toBe('city,zip\nLisbon,01234\n');
    expect(csv.stderr).toBe('2 row(s), 1 shown (--limit)\n');
  });

  it('prints SQLite’s error with the statement’s position and exits 1', async () => {
    const failed = await sql(db, 'SELECT 1;\nSELECT * FROM nope');
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(
      /^dagstream sql: .*weather\.db: error: SQLite rejected statement 2 \(line 2, column 1\) on .*: no such table: nope/,
    );
  });
});
