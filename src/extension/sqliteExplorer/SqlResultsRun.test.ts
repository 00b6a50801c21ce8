import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../core/sqlite/openSqliteDatabase';
import type { SqliteDatabase } from '../../core/sqlite/SqliteDatabase';
import type { DidReceiveRowsNotification, SqlResultsNotification } from '../../protocol/sqlResultsProtocol';
import { FIRST_PAGE_ROWS, PAGE_ROWS, SqlResultsRun } from './SqlResultsRun';

const dir = mkdtempSync(path.join(tmpdir(), 'dagstream-results-run-'));
let db: SqliteDatabase;
beforeAll(async () => {
  db = await openSqliteDatabase(path.join(dir, 'w.db'), { runIn: 'thread', checkpoint: { onClose: false } });
  await db.execute(
    `CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB);
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000) INSERT INTO t SELECT i, CASE WHEN i = 1 THEN x'00ff10' END FROM n`,
  );
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function streamed(run: SqlResultsRun): Promise<SqlResultsNotification[]> {
  const messages: SqlResultsNotification[] = [];
  await run.stream(async (message) => void messages.push(message));
  return messages;
}

describe('SqlResultsRun', () => {
  it('streams a small first page, then big pages, the last one done, with exact totals and BLOBs as text-ready cells', async () => {
    const run = new SqlResultsRun(1, { database: db, databaseLabel: 'w.db', sql: 'SELECT * FROM t', source: 'q.sql', maxRows: 100_000 });
    const messages = await streamed(run);
    expect(messages[0]).toMatchObject({ type: 'sqlResults/didStartRun', runId: 1, database: 'w.db', revealable: false });
    const pages = messages.slice(1) as DidReceiveRowsNotification[];
    expect(pages.map((p) => p.rows.length)).toEqual([FIRST_PAGE_ROWS, PAGE_ROWS, PAGE_ROWS, 12000 - FIRST_PAGE_ROWS - 2 * PAGE_ROWS]);
    expect(pages.map((p) => p.done)).toEqual([false, false, false, true]);
    expect(pages[1]!.offset).toBe(FIRST_PAGE_ROWS);
    expect(pages[0]!.rows[0]).toEqual([1, { blob: true, bytes: 3, hexPrefix: '00ff10' }]);
    expect(pages.every((p) => p.totalRows === 12000 && p.columns.join() === 'id,b')).toBe(true);
  });

  it('keeps at most maxRows while the total stays exact', async () => {
    const run = new SqlResultsRun(2, { database: db, databaseLabel: 'w.db', sql: 'SELECT id FROM t', source: 'q.sql', maxRows: 50 });
    const pages = (await streamed(run)).slice(1) as DidReceiveRowsNotification[];
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ totalRows: 12000, rowsToSend: 50, done: true });
  });

  it("places a syntax error in the document, from the statement's origin", async () => {
    const run = new SqlResultsRun(3, {
      database: db,
      databaseLabel: 'w.db',
      sql: 'SELECT *\n  FORM t',
      source: 'q.sql',
      origin: { line: 9, column: 1 },
      maxRows: 10,
    });
    const messages = await streamed(run);
    expect(messages[1]).toMatchObject({
      type: 'sqlResults/didFailRun',
      error: { kind: 'sql', sqliteMessage: 'near "FORM": syntax error', position: { line: 10, column: 3, statementIndex: 0 } },
    });
    expect((messages[1] as { error: { message: string } }).error.message).toContain('(line 10, column 3 of the file)');
  });

  it('stops an older stream when the webview asks again (it reloaded)', async () => {
    const run = new SqlResultsRun(4, { database: db, databaseLabel: 'w.db', sql: 'SELECT * FROM t', source: 'q.sql', maxRows: 100_000 });
    const first: SqlResultsNotification[] = [];
    const older = run.stream(async (message) => void first.push(message));
    await run.finished;
    const newer = await streamed(run);
    await older;
    expect((newer.at(-1) as DidReceiveRowsNotification).done).toBe(true);
    expect(first.some((m) => m.type === 'sqlResults/didReceiveRows' && m.done)).toBe(false);
  });

  it("stops a long statement in the database worker when its signal aborts (the panel's Cancel)", async () => {
    const worker = await openSqliteDatabase(path.join(dir, 'long.db'));
    try {
      const cancel = new AbortController();
      const run = new SqlResultsRun(5, {
        database: worker,
        databaseLabel: 'long.db',
        sql: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n',
        source: 'q.sql',
        maxRows: 10,
        signal: cancel.signal,
      });
      setTimeout(() => cancel.abort(), 200);
      await run.finished;
      expect(run.error?.kind).toBe('interrupted');
    } finally {
      await worker.close();
    }
  });
});
