import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { JournalGapError, loadMetadataFiles } from './loadMetadataFiles';
import type { LoadedMetadata } from './loadMetadataFiles';
import { loadSqlJs } from './loadSqlJs';
import { MetadataJournal } from './MetadataJournal';
import { metadataPaths } from './metadataPaths';
import type { MetadataPaths } from './metadataPaths';
import type { MetadataStore } from './MetadataStore';
import { isProcessAlive } from './processIdentity';
import { readSchedulerLock, SchedulerLockHeldError } from './schedulerLock';
import { SqlJsMetadataStore } from './SqlJsMetadataStore';

export interface OpenMetadataStoreOptions {
  /** The workspace folder; the store lives in `<workspaceDir>/.dagstream/`. */
  workspaceDir: string;
  /**
   * Load snapshot and journal for reading only, e.g. while a scheduler in another process holds
   * the lock. Never writes a file; `reload()` picks up the scheduler's later changes.
   */
  readOnly?: boolean;
  /** Where sql.js's `sql-wasm.wasm` is, when not beside the bundle or in node_modules. */
  wasmPath?: string;
  /** Checkpoint after this many journaled changes (default 5,000). */
  checkpointEveryEntries?: number;
  /** Checkpoint this long after the first change not yet in a snapshot (default 2,000 ms; 0: only by entry count and on close). */
  checkpointIntervalMs?: number;
  /** Non-fatal problems (a torn journal line, a failed automatic checkpoint). Default: process.emitWarning. */
  onWarning?: (message: string) => void;
}

const DEFAULT_CHECKPOINT_EVERY_ENTRIES = 5_000;
const DEFAULT_CHECKPOINT_INTERVAL_MS = 2_000;

/** Databases open for writing in this process: two writers would interleave one journal. */
const openWriters = new Set<string>();

/**
 * Opens `<workspace>/.dagstream/metadata.sqlite`: loads the snapshot (creating the schema on first
 * use), replays the journal, and for a writable store writes a fresh snapshot when the replay
 * applied anything, so that the next open starts from it.
 *
 * A writable store expects this process to hold the workspace's scheduler lock, or no scheduler
 * to run: it refuses to open while another live process holds the lock, since that process's next
 * checkpoint would overwrite what this one writes.
 */
export async function openMetadataStore(options: OpenMetadataStoreOptions): Promise<MetadataStore> {
  const paths = metadataPaths(options.workspaceDir);
  const onWarning = options.onWarning ?? ((message: string) => process.emitWarning(message, { code: 'DAGSTREAM_METADATA' }));
  const settings = {
    everyEntries: positive(options.checkpointEveryEntries, DEFAULT_CHECKPOINT_EVERY_ENTRIES, 'checkpointEveryEntries'),
    intervalMs: options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
    onWarning,
  };
  const sql = await loadSqlJs(options.wasmPath);

  if (options.readOnly) {
    const loaded = loadForReading(sql, paths, onWarning);
    return new SqlJsMetadataStore(sql, paths, loaded, undefined, { ...settings, onClose: () => undefined });
  }

  if (openWriters.has(paths.database)) {
    throw new Error(
      `Could not open ${paths.database} for writing: this process already has it open. Share that MetadataStore, or close it first.`,
    );
  }
  const holder = readSchedulerLock(options.workspaceDir);
  if (holder && holder.pid !== process.pid) throw new SchedulerLockHeldError(paths.lock, holder);

  try {
    mkdirSync(paths.dir, { recursive: true });
  } catch (error) {
    throw new Error(
      `Could not create ${paths.dir} for Dagstream's metadata: ${error instanceof Error ? error.message : String(error)}. Check that the workspace folder is writable.`,
      { cause: error },
    );
  }
  removeDeadTempFiles(paths);

  const loaded = loadMetadataFiles(sql, paths, (error) => onWarning(error.message));
  const journalState = loaded.journal;
  if (journalState?.torn) {
    const { line, length } = journalState.torn;
    onWarning(
      `Ignored the torn last line of the metadata journal ${paths.journal} (line ${line}, ${length} bytes): the process writing it was stopped mid-write. The ${loaded.replayed} entries before it were replayed; the change in that line was never complete.`,
    );
  }
  let journal: MetadataJournal;
  try {
    journal = MetadataJournal.open(paths.journal, {
      validBytes: journalState?.consumed ?? 0,
      lastSeq: loaded.seq,
      missingNewline: journalState?.missingNewline ?? false,
      onWriteError: (error) => onWarning(error.message),
    });
  } catch (error) {
    loaded.db.close();
    throw error;
  }
  openWriters.add(paths.database);
  const store = new SqlJsMetadataStore(sql, paths, loaded, journal, { ...settings, onClose: () => openWriters.delete(paths.database) });
  if (!loaded.snapshot || loaded.schemaChanged || journal.size > 0) {
    try {
      await store.checkpoint();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }
  return store;
}

function loadForReading(sql: SqlJsStatic, paths: MetadataPaths, onWarning: (message: string) => void): LoadedMetadata {
  // A checkpoint landing between the reads of snapshot and journal shows up as a gap: read again.
  for (let attempt = 1; ; attempt++) {
    try {
      return loadMetadataFiles(sql, paths, (error) => onWarning(error.message));
    } catch (error) {
      if (!(error instanceof JournalGapError) || attempt >= 5) throw error;
    }
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) throw new Error(`openMetadataStore: ${name} must be a positive number, got ${value}.`);
  return value;
}

/** `metadata.sqlite.tmp-<pid>` and `metadata.journal.tmp-<pid>` left by a process killed mid-checkpoint. */
function removeDeadTempFiles(paths: MetadataPaths): void {
  const prefixes = [path.basename(paths.database), path.basename(paths.journal)].map((base) => `${base}.tmp-`);
  let names: string[];
  try {
    names = readdirSync(paths.dir);
  } catch {
    return;
  }
  for (const name of names) {
    const prefix = prefixes.find((candidate) => name.startsWith(candidate));
    if (!prefix) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && isProcessAlive(pid)) continue;
    try {
      unlinkSync(path.join(paths.dir, name));
    } catch {
      // Harmless debris; try again next time.
    }
  }
}
