import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from './openSqliteDatabase';
import { SqliteDatabaseError } from './SqliteDatabaseError';

/** The real sqlite3 tool and Dagstream, reading and writing each other's files. */
const root = mkdtempSync(path.join(tmpdir(), 'dagstream-sqlite-interop-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sqlite3(file: string, sql: string): string {
  return execFileSync('sqlite3', ['-batch', file, sql], { encoding: 'utf8' }).trim();
}

describe('the sqlite3 tool and Dagstream', () => {
  it('sqlite3 reads every kind of value and object Dagstream wrote, and can go on writing the file', async () => {
    const file = path.join(root, 'written-by-dagstream.sqlite');
    const db = await openSqliteDatabase(file);
    await db.execute(`
      PRAGMA foreign_keys = ON;
      CREATE TABLE city(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE reading(city_id INTEGER REFERENCES city(id), at TEXT, temp REAL, raw BLOB, big INTEGER, note TEXT, PRIMARY KEY (city_id, at)) WITHOUT ROWID;
      CREATE INDEX reading_temp ON reading(temp);
      CREATE VIEW hot AS SELECT name, temp FROM reading JOIN city ON city.id = city_id WHERE temp >= 30;
      CREATE TABLE audit(n INTEGER);
      CREATE TRIGGER count_readings AFTER INSERT ON reading BEGIN INSERT INTO audit VALUES (NEW.temp); END;`);
    await db.execute("INSERT INTO city(name) VALUES ('Lisbon'), ('São Paulo')");
    const insert = await db.prepare('INSERT INTO reading VALUES (:city, :at, :temp, :raw, :big, :note)');
    await insert.runMany([
      { city: 1, at: '2026-07-01T12:00', temp: 31.5, raw: new Uint8Array([0, 1, 254, 255]), big: 9223372036854775807n, note: null },
      { city: 2, at: '2026-07-01T12:00', temp: -4.25, raw: null, big: -9007199254740993n, note: 'line one\nline "two" — ünïcödé 🌡' },
    ]);
    await db.close();

    expect(sqlite3(file, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite3(file, 'PRAGMA journal_mode')).toBe('delete');
    expect(sqlite3(file, 'PRAGMA foreign_key_check')).toBe('');
    expect(sqlite3(file, 'SELECT city_id, at, temp, hex(raw), big, typeof(big), quote(note) FROM reading WHERE city_id = 1')).toBe(
      '1|2026-07-01T12:00|31.5|0001FEFF|9223372036854775807|integer|NULL',
    );
    expect(sqlite3(file, 'SELECT city_id, at, temp, hex(raw), big, typeof(big), note FROM reading WHERE city_id = 2')).toBe(
      '2|2026-07-01T12:00|-4.25||-9007199254740993|integer|line one\nline "two" — ünïcödé 🌡',
    );
    expect(sqlite3(file, 'SELECT name, temp FROM hot')).toBe('Lisbon|31.5');
    expect(sqlite3(file, 'SELECT count(*) FROM audit')).toBe('2');
    expect(sqlite3(file, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema ORDER BY name)")).toBe(
      'audit,city,count_readings,hot,reading,reading_temp,sqlite_autoindex_city_1',
    );
    sqlite3(file, "INSERT INTO city(name) VALUES ('Porto')");
    expect(sqlite3(file, 'SELECT count(*) FROM city')).toBe('3');
  });

  it('Dagstream reads what sqlite3 wrote (WAL mode, small pages, UTF-16, auto_vacuum) and writes it back readable', async () => {
    const file = path.join(root, 'written-by-sqlite3.db');
    sqlite3(
      file,
      `PRAGMA page_size = 1024; PRAGMA encoding = 'UTF-16le'; PRAGMA auto_vacuum = FULL; PRAGMA journal_mode = WAL;
       CREATE TABLE events(id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL DEFAULT 'weather', payload TEXT, ts INTEGER);
       INSERT INTO events(payload, ts) SELECT json_object('n', value, 'city', 'Zürich'), 1767225600000 + value FROM generate_series(1, 3000);
       CREATE VIEW recent AS SELECT * FROM events WHERE ts > 1767225602000;`,
    );
    expect(existsSync(`${file}-wal`)).toBe(false);
    const db = await openSqliteDatabase(file);
    expect(db.existed).toBe(true);
    expect((await db.listTables()).map((t) => [t.name, t.type, t.rowCount])).toEqual([
      ['events', 'table', 3000],
      ['recent', 'view', 1000],
    ]);
    expect((await db.listColumns('events')).map((c) => [c.name, c.type, c.primaryKey, c.notNull, c.defaultValue])).toEqual([
      ['id', 'INTEGER', 1, false, null],
      ['topic', 'TEXT', 0, true, "'weather'"],
      ['payload', 'TEXT', 0, false, null],
      ['ts', 'INTEGER', 0, false, null],
    ]);
    const page = await db.query("SELECT id, payload ->> '$.city', ts FROM events WHERE id = ?", [42]);
    expect(page.rows).toEqual([[42, 'Zürich', 1767225600042]]);
    await db.execute("INSERT INTO events(payload) VALUES ('from dagstream'); DELETE FROM events WHERE id <= 1000");
    await db.close();

    expect(sqlite3(file, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite3(file, "SELECT count(*), max(id), (SELECT topic FROM events WHERE payload = 'from dagstream') FROM events")).toBe(
      '2001|3001|weather',
    );
    expect(sqlite3(file, 'PRAGMA encoding')).toBe('UTF-16le');
    expect(sqlite3(file, 'PRAGMA page_size')).toBe('1024');
    // auto_vacuum = FULL gave the freed pages back: the file shrank with the deleted rows.
    expect(statSync(file).size).toBe(Number(sqlite3(file, 'PRAGMA page_count')) * 1024);
  });

  it('refuses a file whose write-ahead log holds rows sqlite3 has not merged, and reads them once it has', async () => {
    const file = path.join(root, 'crashed-wal.db');
    // A sqlite3 session killed after committing in WAL mode: the rows are in the -wal file only.
    await new Promise<void>((resolve, reject) => {
      const child = spawn('sqlite3', ['-batch', file], { stdio: ['pipe', 'pipe', 'inherit'] });
      child.stdout.once('data', () => child.kill('SIGKILL'));
      child.once('exit', () => resolve());
      child.once('error', reject);
      child.stdin.write("PRAGMA journal_mode = WAL; CREATE TABLE t(a); INSERT INTO t VALUES ('only in the log'); SELECT 'committed';\n");
    });
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    const error = await openSqliteDatabase(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SqliteDatabaseError);
    expect((error as SqliteDatabaseError).kind).toBe('locked');
    expect((error as SqliteDatabaseError).message).toMatch(
      /has changes in a write-ahead log that are not in the file yet .*PRAGMA wal_checkpoint\(TRUNCATE\)/,
    );
    sqlite3(file, 'PRAGMA wal_checkpoint(TRUNCATE)');
    const db = await openSqliteDatabase(file);
    expect((await db.query('SELECT a FROM t')).rows).toEqual([['only in the log']]);
    await db.close();
  });
});
