import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from './openSqliteDatabase';
import type { SqliteDatabase } from './SqliteDatabase';
import { SqliteDatabaseError } from './SqliteDatabaseError';

const root = mkdtempSync(path.join(tmpdir(), 'dagstream-sqlite-engine-'));
let counter = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh database file path; the engine runs on this thread (the worker has its own tests). */
function freshFile(name = 'db'): string {
  return path.join(root, `${name}-${++counter}.sqlite`);
}

async function openFresh(options: Parameters<typeof openSqliteDatabase>[1] = {}): Promise<SqliteDatabase> {
  return openSqliteDatabase(freshFile(), { runIn: 'thread', ...options });
}

function sqlite3(file: string, sql: string): string {
  return execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim();
}

async function rejection(promise: Promise<unknown>): Promise<SqliteDatabaseError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SqliteDatabaseError);
    return error as SqliteDatabaseError;
  }
  throw new Error('expected a rejection');
}

describe('SqliteEngine: statements', () => {
  it('creates the file on the first write only, and saves after each transaction by default', async () => {
    const db = await openFresh();
    expect(db.existed).toBe(false);
    await db.query('SELECT 1');
    expect(existsSync(db.file)).toBe(false);
    const result = await db.execute('CREATE TABLE t(a); INSERT INTO t VALUES (1), (2)');
    expect(result.checkpoint).toMatchObject({ reason: 'afterTransaction', changedRows: 2 });
    expect(sqlite3(db.file, 'SELECT count(*) FROM t')).toBe('2');
    await db.close();
  });

  it('reports each statement of a script with its position, rows and changes', async () => {
    const db = await openFresh();
    const result = await db.execute(
      'CREATE TABLE t(id INTEGER PRIMARY KEY, city TEXT);\n  INSERT INTO t(city) VALUES (:city), (:city);\n-- look\nSELECT id, city FROM t',
      { city: 'Lisbon' },
      { rowsOf: 'all' },
    );
    expect(result.statements.map((s) => [s.position.line, s.position.column, s.changes, s.totalRows])).toEqual([
      [1, 1, 0, 0],
      [2, 3, 2, 0],
      [4, 1, 0, 2],
    ]);
    expect(result.statements[2]).toMatchObject({
      sql: 'SELECT id, city FROM t',
      columns: ['id', 'city'],
      rows: [
        [1, 'Lisbon'],
        [2, 'Lisbon'],
      ],
    });
    expect(result.changes).toBe(2);
    await db.close();
  });

  it('rolls back an atomic script at the failing statement and says where it failed', async () => {
    const db = await openFresh();
    await db.execute('CREATE TABLE t(a UNIQUE)');
    const error = await rejection(db.execute('INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n  INSERT INTO t VALUES (1)'));
    expect(error.kind).toBe('sql');
    expect(error.position).toMatchObject({ statementIndex: 2, line: 3, column: 3 });
    expect(error.sqliteMessage).toMatch(/UNIQUE constraint failed: t\.a/);
    expect(error.message).toMatch(
      /^SQLite rejected statement 3 \(line 3, column 3\) on .*: UNIQUE constraint failed: t\.a\. No change from this script was kept/,
    );
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([[0]]);
    await db.close();
  });

  it('points a syntax error at the token SQLite names', async () => {
    const db = await openFresh();
    const error = await rejection(db.execute('SELECT 1;\nSELECT *\n  FORM t'));
    expect(error.position).toMatchObject({ statementIndex: 1, line: 2, column: 1, near: { line: 3, column: 3 } });
    await db.close();
  });

  it('keeps earlier statements of a non-atomic script and rolls back a transaction a script left open', async () => {
    const db = await openFresh();
    await db.execute('CREATE TABLE t(a)');
    const failed = await rejection(db.execute('INSERT INTO t VALUES (1); INSERT INTO nope VALUES (2)', undefined, { atomic: false }));
    expect(failed.message).toMatch(/no such table: nope\. Statements before it were kept\./);
    const open = await rejection(db.execute('BEGIN; INSERT INTO t VALUES (3)'));
    expect(open.message).toMatch(/began a transaction and did not end it; Dagstream rolled it back/);
    expect((await db.query('SELECT group_concat(a) FROM t')).rows).toEqual([['1']]);
    // The database is usable afterwards: no transaction was left behind.
    await db.execute('BEGIN; INSERT INTO t VALUES (4); COMMIT');
    expect((await db.query('SELECT count(*) FROM t')).rows).toEqual([[2]]);
    await db.close();
  });

  it('pages query results and counts them all', async () => {
    const db = await openFresh();
    await db.execute(
      'CREATE TABLE n(i); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2500) INSERT INTO n SELECT i FROM c',
    );
    const page = await db.query('SELECT i FROM n ORDER BY i', undefined, { offset: 1000, limit: 3 });
    expect(page).toMatchObject({ rows: [[1001], [1002], [1003]], totalRows: 2500, offset: 1000, truncated: true });
    const error = await rejection(db.query('DELETE FROM n; SELECT 2'));
    expect(error.message).toMatch(/query takes one statement, but the text has 2\. Run them one by one, or run the script with execute\./);
    expect((await db.query('SELECT count(*) FROM n')).rows).toEqual([[2500]]);
    await db.close();
  });

  it('keeps big integers exact, and BLOBs as bytes', async () => {
    const db = await openFresh();
    await db.execute('CREATE TABLE e(id INTEGER, payload BLOB)');
    await db.query('INSERT INTO e VALUES (?, ?)', [9007199254740993n, new Uint8Array([1, 2, 3])]);
    const { rows } = await db.query('SELECT id, payload, id - 1, 1e300 FROM e');
    expect(rows[0]).toEqual(['9007199254740993', new Uint8Array([1, 2, 3]), '9007199254740992', 1e300]);
    await db.close();
  });

  it('refuses ATTACH, which sql.js would point at a file in its own memory', async () => {
    const db = await openFresh();
    expect((await rejection(db.execute("ATTACH 'other.db' AS o"))).message).toMatch(/ATTACH and DETACH are not supported/);
    await db.close();
  });
});

describe('SqliteEngine: prepared statements and transactions', () => {
  it('runs a prepared statement for many rows in one transaction, all or nothing', async () => {
    const db = await openFresh();
    await db.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const insert = await db.prepare('INSERT INTO t(v) VALUES (?)');
    expect(await insert.runMany([['a'], ['b']])).toMatchObject({ changes: 2, lastInsertRowid: 2 });
    const error = await rejection(insert.runMany([['c'], [null], ['d']]));
    expect(error.message).toMatch(/row 2 of 3; no row of this transaction was kept\): NOT NULL constraint failed: t\.v/);
    expect((await db.query('SELECT count(*) FROM t')).rows).toEqual([[2]]);
    const bind = await rejection(insert.run([]));
    expect(bind.kind).toBe('parameters');
    await insert.finalize();
    await db.close();
  });

  it('writes several statements in one transaction (rows and offsets together)', async () => {
    const db = await openFresh();
    await db.execute('CREATE TABLE events(v); CREATE TABLE offsets(p PRIMARY KEY, o)');
    const insert = await db.prepare('INSERT INTO events VALUES (?)');
    await db.transaction([
      { statement: insert, rows: [[1], [2]] },
      { statement: 'INSERT INTO offsets VALUES (:p, :o) ON CONFLICT(p) DO UPDATE SET o = excluded.o', rows: [{ p: 0, o: 2 }] },
    ]);
    await rejection(
      db.transaction([
        { statement: insert, rows: [[3]] },
        { statement: 'INSERT INTO offsets VALUES (?, ?)', rows: [[0, 3]] },
      ]),
    );
    expect((await db.query('SELECT (SELECT count(*) FROM events), (SELECT o FROM offsets)')).rows).toEqual([[2, 2]]);
    await db.close();
  });

  it('keeps prepared statements working across snapshots and across a reload of the file', async () => {
    const db = await openFresh();
    await db.execute('CREATE TABLE t(a)');
    const insert = await db.prepare('INSERT INTO t VALUES (?)');
    const count = await db.prepare('SELECT count(*) FROM t');
    for (let i = 0; i < 3; i++) expect((await insert.run([i])).checkpoint?.reason).toBe('afterTransaction');
    expect((await count.all()).rows).toEqual([[3]]);
    // Another program changes the file: the engine reads it again and prepares its statements again.
    sqlite3(db.file, 'INSERT INTO t VALUES (99)');
    expect((await count.all()).rows).toEqual([[4]]);
    await insert.run([5]);
    expect(sqlite3(db.file, 'SELECT count(*) FROM t')).toBe('5');
    await db.close();
  });

  it('re-prepares statements after each export when sql.js closes them there', async () => {
    // sql.js 1.16 keeps statements across export(); the engine probes for the old behaviour and
    // bumps its statement generation after each export when it sees it. Simulate that sql.js.
    const { SqliteEngine } = await import('./SqliteEngine');
    const file = freshFile();
    const { engine } = await SqliteEngine.open({ file, create: true }, { onEvent: () => undefined });
    (engine as unknown as { statementsClosedByExport: boolean }).statementsClosedByExport = true;
    await engine.handle(1, 'execute', { sql: 'CREATE TABLE t(a)', options: {}, checkpoint: { afterTransaction: true } });
    const { statementId } = engine.prepare({ sql: 'INSERT INTO t VALUES (?)' });
    for (let i = 0; i < 3; i++) await engine.handle(2 + i, 'run', { statementId, params: [i], checkpoint: { afterTransaction: true } });
    expect(sqlite3(file, 'SELECT count(*) FROM t')).toBe('3');
    await engine.close();
  });
});

describe('SqliteEngine: schema, export, drop', () => {
  it('lists tables and views with row counts, and columns with types and keys', async () => {
    const db = await openFresh();
    await db.execute(
      "CREATE TABLE w(city TEXT NOT NULL, day TEXT, temp REAL DEFAULT 0, PRIMARY KEY (city, day)); INSERT INTO w VALUES ('a', 'd', 1); CREATE VIEW hot AS SELECT * FROM w WHERE temp > 30; CREATE TABLE gone(x); CREATE VIEW broken AS SELECT * FROM gone; DROP TABLE gone",
    );
    const tables = await db.listTables();
    expect(tables.map((t) => [t.name, t.type, t.rowCount])).toEqual([
      ['broken', 'view', undefined],
      ['hot', 'view', 0],
      ['w', 'table', 1],
    ]);
    expect(tables[0]!.rowCountError).toMatch(/no such table: main\.gone/);
    expect(await db.listColumns('w')).toEqual([
      { name: 'city', type: 'TEXT', notNull: true, primaryKey: 1, defaultValue: null },
      { name: 'day', type: 'TEXT', notNull: false, primaryKey: 2, defaultValue: null },
      { name: 'temp', type: 'REAL', notNull: false, primaryKey: 0, defaultValue: '0' },
    ]);
    expect((await rejection(db.listColumns('nope'))).message).toMatch(/There is no table or view named "nope"/);
    await db.dropTable('hot');
    await db.dropTable('w');
    expect((await db.listTables()).map((t) => t.name)).toEqual(['broken']);
    expect(sqlite3(db.file, "SELECT count(*) FROM sqlite_schema WHERE name IN ('w', 'hot')")).toBe('0');
    await db.close();
  });

  it('exports a table to CSV and a query to JSON, exactly', async () => {
    const db = await openFresh();
    await db.execute('CREATE TABLE t(id INTEGER, name TEXT, b BLOB)');
    await db.query('INSERT INTO t VALUES (?, ?, ?), (?, ?, ?)', [
      1,
      'plain',
      null,
      9007199254740993n,
      'with "quotes", commas\nand lines',
      new Uint8Array([255]),
    ]);
    const csvFile = path.join(root, 'out.csv');
    expect(await db.exportToFile({ format: 'csv', file: csvFile, table: 't' })).toMatchObject({ rows: 2, file: csvFile });
    expect(readFileSync(csvFile, 'utf8')).toBe('id,name,b\r\n1,plain,\r\n9007199254740993,"with ""quotes"", commas\nand lines",/w==\r\n');
    const jsonFile = path.join(root, 'out.json');
    await db.exportToFile({ format: 'json', file: jsonFile, sql: 'SELECT id, id AS id, name FROM t WHERE id > ?', params: [1] });
    const text = readFileSync(jsonFile, 'utf8');
    expect(text).toBe('[\n{"id":9007199254740993,"id_2":9007199254740993,"name":"with \\"quotes\\", commas\\nand lines"}\n]\n');
    await db.close();
  });
});

describe('SqliteEngine: checkpoint policies', () => {
  it('saves every N changed rows, and on close what is left', async () => {
    const db = await openFresh({ checkpoint: { everyChangedRows: 3 } });
    const saved: number[] = [];
    const firstSave = new Promise((resolve) => db.onDidCheckpoint(resolve));
    db.onDidCheckpoint((stats) => saved.push(stats.changedRows));
    await db.execute('CREATE TABLE t(a)');
    const insert = await db.prepare('INSERT INTO t VALUES (?)');
    await insert.runMany([[1], [2]]);
    expect(saved).toEqual([]);
    // The third row reaches the threshold: the save starts in the background; the write does not wait for it.
    await insert.runMany([[3]]);
    await firstSave;
    expect(saved).toEqual([3]);
    await insert.run([4]);
    expect(sqlite3(db.file, 'SELECT count(*) FROM t')).toBe('3');
    const closed = await db.close();
    expect(closed.checkpoint).toMatchObject({ reason: 'close', changedRows: 1 });
    expect(sqlite3(db.file, 'SELECT count(*) FROM t')).toBe('4');
  });

  it('saves N ms after the first unsaved change', async () => {
    const db = await openFresh({ checkpoint: { everyMs: 50 } });
    const saved = new Promise((resolve) => db.onDidCheckpoint(resolve));
    await db.execute('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
    expect((await db.status()).unsaved).toBe(true);
    expect(await saved).toMatchObject({ reason: 'everyMs' });
    expect((await db.status()).unsaved).toBe(false);
    await db.close();
  });

  it('drops unsaved changes on close only when every write said onClose: false, and says how many', async () => {
    const db = await openFresh({ checkpoint: { onClose: false } });
    await db.execute('CREATE TABLE t(a); INSERT INTO t VALUES (1), (2)');
    expect(await db.close()).toEqual({ discardedChangedRows: 2 });
    expect(existsSync(db.file)).toBe(false);
  });

  it('refuses to overwrite a file another program changed while changes were unsaved, until told to', async () => {
    const file = freshFile();
    const db = await openSqliteDatabase(file, { runIn: 'thread', checkpoint: { onClose: true } });
    await db.execute('CREATE TABLE t(a)', undefined, { checkpoint: { afterTransaction: true } });
    await db.execute('INSERT INTO t VALUES (1)');
    sqlite3(file, 'CREATE TABLE theirs(x)');
    const conflict = await rejection(db.checkpoint());
    expect(conflict.kind).toBe('conflict');
    expect(conflict.message).toMatch(/another program changed it since Dagstream last read it/);
    expect(sqlite3(file, "SELECT count(*) FROM sqlite_schema WHERE name = 'theirs'")).toBe('1');
    // Taking their version drops ours.
    await db.reload();
    expect((await db.listTables()).map((t) => t.name)).toEqual(['t', 'theirs']);
    expect((await db.query('SELECT count(*) FROM t')).rows).toEqual([[0]]);
    await db.execute('INSERT INTO t VALUES (2)');
    sqlite3(file, 'DROP TABLE theirs');
    expect((await db.checkpoint({ overwrite: true }))?.reason).toBe('requested');
    expect(sqlite3(file, "SELECT group_concat(name) FROM sqlite_schema WHERE type = 'table'")).toBe('t,theirs');
    await db.close();
  });
});

describe('SqliteEngine: files that cannot be used', () => {
  it('says when a file is not a database, does not exist, or is being written by another program', async () => {
    const notDb = path.join(root, 'notes.db');
    writeFileSync(notDb, 'just some text, long enough to look like a file with a header');
    const error = await rejection(openSqliteDatabase(notDb, { runIn: 'thread' }));
    expect(error.kind).toBe('not-a-database');
    expect(error.message).toMatch(/notes\.db is not an SQLite database .* Check the path/);

    const missing = await rejection(openSqliteDatabase(path.join(root, 'missing.db'), { runIn: 'thread', create: false }));
    expect(missing.kind).toBe('not-found');

    const busy = freshFile();
    sqlite3(busy, 'CREATE TABLE t(a)');
    writeFileSync(`${busy}-journal`, 'hot journal bytes');
    const locked = await rejection(openSqliteDatabase(busy, { runIn: 'thread' }));
    expect(locked.kind).toBe('locked');
    expect(locked.message).toMatch(/in the middle of a write by another program .* Close the other program/);
  });

  it('removes temp files that killed writers left beside the database, and only those', async () => {
    const file = freshFile();
    sqlite3(file, 'CREATE TABLE t(a)');
    const dead = `${file}.tmp-999999999`;
    const alive = `${file}.tmp-${process.pid}`;
    writeFileSync(dead, 'partial snapshot');
    writeFileSync(alive, 'in progress');
    const db = await openSqliteDatabase(file, { runIn: 'thread' });
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    rmSync(alive);
    await db.close();
  });
});
