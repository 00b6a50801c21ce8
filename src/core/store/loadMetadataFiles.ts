import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import type { Database, SqlJsStatic } from 'sql.js';
import { applyJournalEntry } from './applyJournalEntry';
import type { JournalEntry } from './applyJournalEntry';
import { MetadataDatabase } from './MetadataDatabase';
import type { MetadataPaths } from './metadataPaths';
import { migrateMetadataSchema } from './migrateMetadataSchema';
import { parseJournal } from './parseJournal';
import type { ParsedJournal } from './parseJournal';

/** Enough of a file's identity to notice that it was replaced or rewritten. */
export interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
}

export interface LoadedMetadata {
  db: MetadataDatabase;
  /** Undefined when there was no snapshot yet. */
  snapshot?: FileIdentity;
  /** The journal as read: its inode, and how many bytes of complete entries were applied or skipped. */
  journal?: { ino: number; consumed: number; torn?: ParsedJournal['torn']; missingNewline: boolean };
  /** Number of the last entry the database now contains. */
  seq: number;
  /** Journal entries applied on top of the snapshot. */
  replayed: number;
  /** The schema was created or migrated (the snapshot on disk is behind). */
  schemaChanged: boolean;
}

/**
 * The journal does not continue the snapshot: entries between them are missing. For a reader this
 * means a checkpoint happened between reading the two files (read again); for the writer it means
 * the snapshot was replaced by an older one.
 */
export class JournalGapError extends Error {
  override readonly name = 'JournalGapError';
}

/** Loads the snapshot (or an empty database) and applies the journal entries after it. */
export function loadMetadataFiles(sql: SqlJsStatic, paths: MetadataPaths, onCommitError: (error: Error) => void): LoadedMetadata {
  // Each file is read through one descriptor, so that its identity and its bytes belong together
  // even if the writer renames a new snapshot or journal into place meanwhile.
  const snapshotFile = readIfExists(paths.database);
  const snapshotStat = snapshotFile?.stat;
  const raw = openSnapshot(sql, paths.database, snapshotFile);
  let db: MetadataDatabase;
  let schemaChanged: boolean;
  try {
    schemaChanged = migrateMetadataSchema(raw, paths.database);
    db = new MetadataDatabase(raw, paths.database, onCommitError);
  } catch (error) {
    raw.close();
    throw error;
  }
  try {
    const snapshotSeq = db.journalSeq();
    const journalFile = readIfExists(paths.journal);
    let journal: LoadedMetadata['journal'];
    let seq = snapshotSeq;
    let replayed = 0;
    if (journalFile) {
      const journalStat = journalFile.stat;
      const parsed = parseJournal(journalFile.bytes);
      if (parsed.corrupt) {
        const { line, reason } = parsed.corrupt;
        throw new Error(
          `The metadata journal ${paths.journal} is damaged at line ${line} (${reason}) and has entries after it, so it cannot be replayed safely. Move it aside to open the metadata as of its last checkpoint (${paths.database}); changes since then are lost.`,
        );
      }
      const applied = applyAfter(db, parsed.entries, snapshotSeq, paths);
      seq = applied.seq;
      replayed = applied.replayed;
      journal = {
        ino: journalStat.ino,
        consumed: parsed.consumed,
        missingNewline: parsed.missingNewline,
        ...(parsed.torn ? { torn: parsed.torn } : {}),
      };
    }
    return {
      db,
      ...(snapshotStat ? { snapshot: identity(snapshotStat) } : {}),
      ...(journal ? { journal } : {}),
      seq,
      replayed,
      schemaChanged,
    };
  } catch (error) {
    db.close({ commit: false });
    throw error;
  }
}

/** Applies the entries numbered after `seq`; they must continue it without a gap. */
export function applyAfter(
  db: MetadataDatabase,
  entries: readonly JournalEntry[],
  seq: number,
  paths: MetadataPaths,
): { seq: number; replayed: number } {
  let replayed = 0;
  for (const entry of entries) {
    if (entry.s <= seq) continue; // Already in the snapshot (a crash came before the journal was truncated).
    if (entry.s !== seq + 1) {
      throw new JournalGapError(
        `The metadata journal ${paths.journal} continues at entry ${entry.s} but ${paths.database} ends at entry ${seq}; entries in between are missing (was the database file replaced by an older copy?). Restore the matching metadata.sqlite, or move the journal aside to open the database as it is.`,
      );
    }
    try {
      applyJournalEntry(db, entry);
    } catch (error) {
      throw new Error(
        `Could not replay entry ${entry.s} (${entry.m}) of the metadata journal ${paths.journal}: ${error instanceof Error ? error.message : String(error)}. Move the journal aside to open the metadata as of its last checkpoint.`,
        { cause: error },
      );
    }
    seq = entry.s;
    replayed++;
  }
  return { seq, replayed };
}

function openSnapshot(sql: SqlJsStatic, file: string, contents: { bytes: Buffer; stat: Stats } | undefined): Database {
  if (!contents) return new sql.Database();
  const { bytes, stat } = contents;
  const notADatabase = (reason: string): Error =>
    new Error(
      `${file} is not a SQLite database (${reason}). Dagstream replaces it atomically, so another program wrote or truncated it. Move it aside (and metadata.journal with it) to start with empty metadata, or restore it from a backup.`,
    );
  // An empty file would open as an empty database and silently lose every record.
  if (stat.size === 0 || bytes.length === 0) throw notADatabase('the file is empty');
  const db = new sql.Database(bytes);
  try {
    // sql.js reads the file lazily; the first query is what notices a file that is not SQLite.
    db.exec('SELECT count(*) FROM sqlite_master');
  } catch (error) {
    db.close();
    throw notADatabase(error instanceof Error ? error.message : String(error));
  }
  return db;
}

/** The file's bytes and the stat of the same open file; undefined if it does not exist. */
export function readIfExists(file: string): { bytes: Buffer; stat: Stats } | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `Could not open ${file}: ${error instanceof Error ? error.message : String(error)}. Check the permissions of the workspace's .dagstream folder.`,
      { cause: error },
    );
  }
  try {
    const stat = fstatSync(fd);
    return { bytes: readFileSync(fd), stat };
  } catch (error) {
    throw new Error(`Could not read ${file}: ${error instanceof Error ? error.message : String(error)}. Check the file's permissions.`, {
      cause: error,
    });
  } finally {
    closeSync(fd);
  }
}

export function identity(stat: Stats): FileIdentity {
  return { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
}

export function statIfExists(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `Could not read ${file}: ${error instanceof Error ? error.message : String(error)}. Check the permissions of the workspace's .dagstream folder.`,
      { cause: error },
    );
  }
}
