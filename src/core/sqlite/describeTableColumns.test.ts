import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeColumnKeys, describeTableColumns } from './describeTableColumns';
import { openSqliteDatabase } from './openSqliteDatabase';

const dir = mkdtempSync(path.join(tmpdir(), 'dagstream-describe-columns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('describeTableColumns', () => {
  it('reads types, primary and foreign keys of a database the sqlite3 tool made', async () => {
    const file = path.join(dir, 'keys.db');
    execFileSync('sqlite3', [
      file,
      `CREATE TABLE cities(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
       CREATE TABLE "odd ""name"""(city_id INTEGER NOT NULL REFERENCES cities(id), at TEXT, other REFERENCES cities, PRIMARY KEY (city_id, at));
       CREATE VIEW v AS SELECT name FROM cities;`,
    ]);
    const db = await openSqliteDatabase(file, { runIn: 'thread', create: false });
    try {
      const columns = await describeTableColumns(db, 'odd "name"');
      expect(columns.map(describeColumnKeys)).toEqual(['INTEGER · PK · NOT NULL · FK → cities(id)', 'TEXT · PK', 'no type · FK → cities']);
      expect((await describeTableColumns(db, 'v')).map((c) => c.name)).toEqual(['name']);
      await expect(describeTableColumns(db, 'missing')).rejects.toThrow(/no table or view named "missing"/);
    } finally {
      await db.close();
    }
  });
});
