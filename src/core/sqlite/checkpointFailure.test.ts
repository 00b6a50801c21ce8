import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from './openSqliteDatabase';
import { SqliteDatabaseError } from './SqliteDatabaseError';

/**
 * A save that cannot be written must leave the previous snapshot as it was and say why. These
 * tests make the file system really refuse (the tests run as root, for whom permissions do not
 * count, hence a full tmpfs, /dev/full and the immutable attribute rather than chmod); each one
 * that needs a privilege is skipped, saying so, where the system does not grant it.
 */
const root = mkdtempSync(path.join(tmpdir(), 'dagstream-sqlite-failure-'));
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  rmSync(root, { recursive: true, force: true });
});

function run(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** A 1 MB tmpfs, when this process may mount one (root in a container with CAP_SYS_ADMIN). */
function mountTinyTmpfs(): string | undefined {
  const dir = path.join(root, 'tiny');
  mkdirSync(dir);
  if (!run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir])) return undefined;
  cleanups.push(() => void run('umount', [dir]));
  return dir;
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

const tiny = mountTinyTmpfs();

describe('a checkpoint that cannot be written', () => {
  it.skipIf(tiny === undefined)(
    'on a full disk (a 1 MB tmpfs) keeps the previous file, reports disk-full, and saves once there is room',
    async () => {
      const file = path.join(tiny!, 'events.db');
      const db = await openSqliteDatabase(file);
      await db.execute("CREATE TABLE small(a); INSERT INTO small VALUES ('kept'); CREATE TABLE big(b)");
      const before = readFileSync(file);
      const error = await rejection(
        db.execute(
          'INSERT INTO big SELECT randomblob(1000) FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1500) SELECT i FROM c)',
        ),
      );
      expect(error.kind).toBe('disk-full');
      expect(error.appliedInMemory).toBe(true);
      expect(error.message).toMatch(
        /^Could not save .*events\.db: the disk is full \(ENOSPC.*\)\. The file still holds the previous checkpoint; the 1500 changed row\(s\) since then are kept in memory and saved by the next checkpoint or on close\. Free some disk space, then try again\.$/,
      );
      // The previous snapshot is intact, byte for byte, and no temp file is left to fill the disk.
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(sqlite3(file, 'PRAGMA integrity_check')).toBe('ok');
      expect(readdirSync(tiny!)).toEqual(['events.db']);
      // The rows are in memory: queries see them, and closing refuses to drop them.
      expect((await db.query('SELECT count(*) FROM big')).rows).toEqual([[1500]]);
      expect((await db.status()).lastCheckpointError).toMatch(/the disk is full/);
      expect((await rejection(db.close())).kind).toBe('disk-full');
      // Making room (here: dropping the rows themselves) lets the next save through.
      expect((await db.execute('DELETE FROM big; VACUUM')).checkpoint?.reason).toBe('afterTransaction');
      expect(await db.close()).toEqual({ discardedChangedRows: 0 });
      expect(sqlite3(file, 'SELECT (SELECT a FROM small), (SELECT count(*) FROM big)')).toBe('kept|0');
    },
  );

  it('when the write fails with ENOSPC (through /dev/full, no privilege needed) does the same, for a background save too', async () => {
    const file = path.join(root, 'full.db');
    const db = await openSqliteDatabase(file, { checkpoint: { everyMs: 20 } });
    await db.execute("CREATE TABLE t(a); INSERT INTO t VALUES ('first')", undefined, { checkpoint: { afterTransaction: true } });
    const before = readFileSync(file);
    // The snapshot's temp file (writeFileAtomically names it <file>.tmp-<pid>; the worker shares the pid) is /dev/full.
    symlinkSync('/dev/full', `${file}.tmp-${process.pid}`);
    const failed = new Promise<SqliteDatabaseError>((resolve) => db.onDidFailCheckpoint(resolve));
    await db.execute("INSERT INTO t VALUES ('second')");
    const error = await failed;
    expect(error.kind).toBe('disk-full');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect((await db.status()).unsaved).toBe(true);
    // The temp file (the symlink) was removed by the failed save: the retry on the same interval succeeds.
    const saved = await new Promise((resolve) => db.onDidCheckpoint(resolve));
    expect(saved).toMatchObject({ reason: 'everyMs' });
    expect(sqlite3(file, 'SELECT group_concat(a) FROM t')).toBe('first,second');
    await db.close();
  });

  it('in a folder that refuses new files (chattr +i) keeps the previous file and reports read-only', async (context) => {
    // A folder in which nobody, root included, can create a file: its immutable attribute set.
    const dir = path.join(root, 'immutable');
    mkdirSync(dir);
    const file = path.join(dir, 'events.db');
    const db = await openSqliteDatabase(file);
    await db.execute("CREATE TABLE t(a); INSERT INTO t VALUES ('first')");
    const before = readFileSync(file);
    if (!run('chattr', ['+i', dir])) {
      await db.close();
      context.skip('chattr +i is not supported here (file system or capability)');
    }
    cleanups.push(() => void run('chattr', ['-i', dir]));
    try {
      const error = await rejection(db.execute("INSERT INTO t VALUES ('second')"));
      expect(error.kind).toBe('read-only');
      expect(error.message).toMatch(
        /^Could not save .*events\.db: the operation is not permitted .*\. The file still holds the previous checkpoint; .* Check the folder's permissions and attributes, then try again\.$/,
      );
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(sqlite3(file, 'SELECT group_concat(a) FROM t')).toBe('first');
    } finally {
      run('chattr', ['-i', dir]);
    }
    await db.close();
    expect(sqlite3(file, 'SELECT group_concat(a) FROM t')).toBe('first,second');
  });
});
