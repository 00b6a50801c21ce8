import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from './openSqliteDatabase';

const dir = mkdtempSync(path.join(tmpdir(), 'dagstream-cursor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('executeWithCursor', () => {
  it('returns the first page, keeps the rest in the worker for paging and export, and releases them on request', async () => {
    const db = await openSqliteDatabase(path.join(dir, 'c.db'), { checkpoint: { onClose: false } });
    try {
      await db.execute(
        "CREATE TABLE t(i INTEGER, s TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) INSERT INTO t SELECT i, 'row ' || i FROM n",
      );
      const result = await db.executeWithCursor('SELECT * FROM t ORDER BY i', undefined, { firstPageRows: 100, maxRows: 2000 });
      const last = result.statements.at(-1)!;
      expect(last.rows).toHaveLength(100);
      expect(last.totalRows).toBe(2500);
      const cursorId = result.cursorId!;
      expect(await db.fetchCursorRows(cursorId, 1990, 50)).toEqual(Array.from({ length: 10 }, (_, k) => [1991 + k, `row ${1991 + k}`]));
      const file = path.join(dir, 'rows.csv');
      const exported = await db.exportCursorRows(cursorId, last.columns, 'csv', file);
      expect(exported.rows).toBe(2000);
      expect(readFileSync(file, 'utf8').split('\r\n').slice(0, 2)).toEqual(['i,s', '1,row 1']);
      await db.closeCursor(cursorId);
      await expect(db.fetchCursorRows(cursorId, 0, 1)).rejects.toMatchObject({ kind: 'closed' });
    } finally {
      await db.close();
    }
  });

  it('reports a failing statement as execute does, with its position', async () => {
    const db = await openSqliteDatabase(path.join(dir, 'e.db'), { runIn: 'thread' });
    try {
      await expect(db.executeWithCursor('SELECT 1;\nSELEC 2', undefined, { firstPageRows: 10 })).rejects.toMatchObject({
        kind: 'sql',
        position: { statementIndex: 1, line: 2 },
      });
    } finally {
      await db.close();
    }
  });
});
