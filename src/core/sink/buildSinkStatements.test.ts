import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../sqlite/openSqliteDatabase';
import { buildSinkStatements } from './buildSinkStatements';
import { compileSinkColumns } from './compileSinkColumns';

const dir = mkdtempSync(path.join(tmpdir(), 'dagstream-sink-sql-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildSinkStatements', () => {
  const columns = compileSinkColumns({
    id: { path: '$.id', type: 'INTEGER', required: true },
    doc: { path: '$', type: 'JSON' },
    name: { path: '$.name', type: 'TEXT' },
  });
  const sql = buildSinkStatements('events', columns, ['id'], 'events_dead');

  it('creates the table from the mapping (JSON as TEXT, so "42" stays text), and upserts on the primary key', async () => {
    const db = await openSqliteDatabase(path.join(dir, 'upsert.sqlite'), { runIn: 'thread' });
    await db.execute([sql.createTable, sql.createDeadLetterTable, sql.createOffsetsTable, sql.createOffsetsGuard].join(';\n'));
    expect((await db.listColumns('events')).map((c) => [c.name, c.type, c.notNull, c.primaryKey])).toEqual([
      ['id', 'INTEGER', true, 1],
      ['doc', 'TEXT', false, 0],
      ['name', 'TEXT', false, 0],
    ]);
    const insert = await db.prepare(sql.insertRow);
    await insert.runMany([
      [1, '"42"', 'a'],
      [1, '"43"', 'b'],
    ]);
    expect((await db.query('SELECT id, doc, typeof(doc) AS t, name FROM events')).rows).toEqual([[1, '"43"', 'text', 'b']]);
    await db.close();
  });

  it('refuses an offset write that does not continue from the stored offset, keeping none of its transaction', async () => {
    const db = await openSqliteDatabase(path.join(dir, 'guard.sqlite'), { runIn: 'thread' });
    await db.execute([sql.createTable, sql.createDeadLetterTable, sql.createOffsetsTable, sql.createOffsetsGuard].join(';\n'));
    const insert = await db.prepare(sql.insertRow);
    const store = await db.prepare(sql.storeOffset);
    const now = new Date().toISOString();
    await db.transaction([{ statement: store, rows: [['events', 't', 0, 0, 0, now]] }]);
    await db.transaction([
      { statement: insert, rows: [[1, '{}', 'a']] },
      { statement: store, rows: [['events', 't', 0, 10, 0, now]] },
    ]);
    // A batch from 20 would skip 10-19 (a failed write): refused, its row not kept.
    await expect(
      db.transaction([
        { statement: insert, rows: [[2, '{}', 'b']] },
        { statement: store, rows: [['events', 't', 0, 30, 20, now]] },
      ]),
    ).rejects.toThrow(/does not continue from the stored offset/);
    expect((await db.query('SELECT count(*) FROM events')).rows).toEqual([[1]]);
    expect((await db.query(sql.readOffsets, ['events'])).rows).toEqual([['t', 0, 10]]);
    await db.close();
  });
});
