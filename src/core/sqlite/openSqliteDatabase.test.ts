import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleWithSqliteWorker } from './bundleWithSqliteWorker';
import { openSqliteDatabase, openSqliteFiles } from './openSqliteDatabase';
import { SqliteDatabaseError } from './SqliteDatabaseError';

const root = mkdtempSync(path.join(tmpdir(), 'dagstream-sqlite-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Fills a database with about `mb` megabytes of random BLOBs, in SQL (fast even through sql.js). */
const fillSql = (mb: number): string =>
  `CREATE TABLE IF NOT EXISTS filler(b BLOB); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${mb * 1000}) INSERT INTO filler SELECT randomblob(1000) FROM c`;

describe('openSqliteDatabase (worker thread)', () => {
  it('shares one engine between opens of the same file, whatever the spelling', async () => {
    const dir = path.join(root, 'shared');
    mkdirSync(dir);
    symlinkSync(dir, path.join(root, 'link'));
    const a = await openSqliteDatabase(path.join(dir, 'events.db'), { checkpoint: { onClose: true } });
    const b = await openSqliteDatabase(path.join(root, 'link', '.', 'events.db'));
    expect(openSqliteFiles().filter((f) => f.endsWith('events.db'))).toHaveLength(1);
    // Not saved yet (a's policy is onClose only), yet b sees it: they are the same database.
    await a.execute('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
    expect((await b.query('SELECT count(*) FROM t')).rows).toEqual([[1]]);
    expect((await b.status()).unsaved).toBe(true);
    await a.close();
    await expect(a.query('SELECT 1')).rejects.toThrow(/This handle on .* is closed/);
    expect((await b.query('SELECT count(*) FROM t')).rows).toEqual([[1]]);
    const closed = await b.close();
    expect(closed.checkpoint).toMatchObject({ reason: 'close', changedRows: 1 });
    expect(openSqliteFiles().filter((f) => f.endsWith('events.db'))).toHaveLength(0);
    const again = await openSqliteDatabase(path.join(dir, 'events.db'));
    expect(again.existed).toBe(true);
    expect((await again.query('SELECT count(*) FROM t')).rows).toEqual([[1]]);
    await again.close();
  });

  it('keeps the caller’s event loop free while a big snapshot is exported and written', async () => {
    const file = path.join(root, 'big.db');
    const db = await openSqliteDatabase(file, { checkpoint: { onClose: true } });
    await db.execute(fillSql(40));
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const stats = await db.checkpoint();
    loop.disable();
    expect(stats!.bytes).toBeGreaterThan(40_000_000);
    // Done on this thread, exporting and writing 40 MB blocks it for about a second; in the worker
    // it does not. The bound is loose because test machines are shared: the real figure is the
    // sqlite benchmark's snapshot_event_loop_max_delay_ms.
    expect(loop.max / 1e6).toBeLessThan(500);
    await db.close();
  }, 60_000);

  it('interrupts a long query when its signal aborts, and stays usable', async () => {
    const db = await openSqliteDatabase(path.join(root, 'interrupt.db'));
    const controller = new AbortController();
    const long = db.query('WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT i FROM c', undefined, {
      signal: controller.signal,
      limit: 1,
    });
    setTimeout(() => controller.abort(), 100);
    const error = await long.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SqliteDatabaseError);
    expect((error as SqliteDatabaseError).kind).toBe('interrupted');
    expect((await db.query('SELECT 42')).rows).toEqual([[42]]);
    await db.close();
  });

  it('runs from the bundles: dist-style sqliteWorker.js found beside the bundle that uses it', async () => {
    const entry = path.join(root, 'bundleEntry.ts');
    writeFileSync(
      entry,
      `import { openSqliteDatabase } from ${JSON.stringify(path.join(__dirname, 'openSqliteDatabase'))};
      (async () => {
        const db = await openSqliteDatabase(process.argv[2]!);
        await db.execute('CREATE TABLE t(a); INSERT INTO t VALUES (7)');
        const { rows } = await db.query('SELECT a FROM t');
        await db.close();
        process.stdout.write(JSON.stringify(rows));
      })();`,
    );
    const bundle = await bundleWithSqliteWorker(entry, path.join(root, 'dist'));
    const { stdout } = await promisify(execFile)(process.execPath, [bundle, path.join(root, 'bundled.db')], { cwd: tmpdir() });
    expect(JSON.parse(stdout)).toEqual([[7]]);
  }, 60_000);

  it('saves unsaved changes when a process exits without closing', async () => {
    const file = path.join(root, 'forgotten.db');
    const script = path.join(root, 'forget.ts');
    writeFileSync(
      script,
      `import { openSqliteDatabase } from ${JSON.stringify(path.join(__dirname, 'openSqliteDatabase'))};
      void openSqliteDatabase(process.argv[2]!, { checkpoint: { onClose: true } }).then((db) => db.execute('CREATE TABLE t(a); INSERT INTO t VALUES (1)'));`,
    );
    const tsx = createRequire(__filename).resolve('tsx/cli');
    await promisify(execFile)(process.execPath, [tsx, script, file]);
    const db = await openSqliteDatabase(file, { runIn: 'thread' });
    expect((await db.query('SELECT count(*) FROM t')).rows).toEqual([[1]]);
    await db.close();
  }, 30_000);
});
