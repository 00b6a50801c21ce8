import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { classifyFileError } from './classifyFileError';
import { SqliteDatabaseError } from './SqliteDatabaseError';

/** Enough of a file's stat to tell that someone replaced or modified it. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export function statIdentity(file: string): FileIdentity | undefined {
  const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
  if (!stat) return undefined;
  return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs };
}

export function sameIdentity(a: FileIdentity | undefined, b: FileIdentity | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

const SQLITE_HEADER = 'SQLite format 3\0';
const READ_ATTEMPTS = 5;

/**
 * Throws `locked` when another SQLite program is in the middle of writing `file`: a non-empty
 * rollback journal means the file itself may be half-updated, and a non-empty write-ahead log
 * holds committed rows that are not in the file yet. Either way, reading the file alone would
 * give wrong data, and replacing it would lose the other program's work.
 */
export function assertNoOtherWriter(file: string): void {
  for (const [suffix, meaning] of [
    ['-journal', 'is in the middle of a write by another program (its rollback journal'],
    ['-wal', 'has changes in a write-ahead log that are not in the file yet (its log'],
  ] as const) {
    const sidecar = `${file}${suffix}`;
    const size = statSync(sidecar, { throwIfNoEntry: false })?.size ?? 0;
    if (size > 0)
      throw new SqliteDatabaseError({
        kind: 'locked',
        file,
        message: `${file} ${meaning} ${path.basename(sidecar)} is beside it). Close the other program (or wait for it to finish), or if none is running, open the file once with the sqlite3 tool (sqlite3 ${JSON.stringify(file)} "PRAGMA wal_checkpoint(TRUNCATE);") so that it rolls the journal back or merges the log; then try again.`,
      });
  }
}

/**
 * The bytes of a database file and the identity they belong to, or undefined when the file does
 * not exist. Re-reads when the file changes while it is read, so the bytes are one version of it.
 */
export function readDatabaseFile(file: string): { bytes: Uint8Array; identity: FileIdentity } | undefined {
  for (let attempt = 1; ; attempt++) {
    let before: FileIdentity | undefined;
    let bytes: Uint8Array;
    try {
      assertNoOtherWriter(file);
      before = statIdentity(file);
      if (before === undefined) return undefined;
      bytes = readFileSync(file);
    } catch (error) {
      throw classifyFileError(error, file, 'read');
    }
    const after = statIdentity(file);
    if (after !== undefined && sameIdentity(before, after)) {
      assertIsDatabase(file, bytes);
      return { bytes, identity: after };
    }
    if (attempt >= READ_ATTEMPTS)
      throw new SqliteDatabaseError({
        kind: 'locked',
        file,
        message: `${file} kept changing while Dagstream read it (${READ_ATTEMPTS} attempts): another program is writing it. Wait for it to finish, then try again.`,
      });
  }
}

/** An empty file is a valid empty database (the sqlite3 tool creates them); anything else must start with SQLite's header. */
function assertIsDatabase(file: string, bytes: Uint8Array): void {
  if (bytes.length === 0) return;
  const header = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, SQLITE_HEADER.length)).toString('latin1');
  if (header !== SQLITE_HEADER)
    throw new SqliteDatabaseError({
      kind: 'not-a-database',
      file,
      message: `${file} is not an SQLite database (it does not start with SQLite's header). Check the path, or pick another file name for a new database.`,
    });
}
