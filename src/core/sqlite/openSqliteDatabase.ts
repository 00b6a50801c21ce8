import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { compileSqlWasm } from '../store/loadSqlJs';
import { InThreadSqliteTransport } from './InThreadSqliteTransport';
import { SqliteDatabase, type SharedSqliteDatabase } from './SqliteDatabase';
import { SqliteDatabaseError } from './SqliteDatabaseError';
import type { SqliteTransport } from './SqliteTransport';
import type { CheckpointPolicy, CheckpointStats, CloseResult } from './sqliteTypes';
import { SqliteWorkerTransport } from './SqliteWorkerTransport';

export interface OpenSqliteDatabaseOptions {
  /** Start a new database when the file does not exist (the file appears at the first save). Default true. */
  create?: boolean;
  /** Policy of this handle's writes that do not give their own. Default: save after each transaction, and on close. */
  checkpoint?: CheckpointPolicy;
  /**
   * Where the database runs: 'worker' (default) keeps exports, big inserts and big queries off
   * the caller's thread; 'thread' runs them on it (tests, measurements). The first open of a
   * file decides for every handle that shares it.
   */
  runIn?: 'worker' | 'thread';
  /** sql.js's WebAssembly file; default: beside the bundle, else the installed package. */
  wasmPath?: string;
  /** The worker script; default: dist/sqliteWorker.js beside the bundle, else the TypeScript source through tsx. */
  workerScript?: string;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { afterTransaction: true, onClose: true };

interface Instance extends SharedSqliteDatabase {
  handles: number;
  closing: Promise<CloseResult> | undefined;
  savedAtExit: boolean;
}

const opening = new Map<string, Promise<Instance>>();
const open = new Set<Instance>();
let exitHookInstalled = false;

/**
 * Opens a workspace SQLite file (created on first use). Opens of the same file in one process
 * share one engine, so that there is one copy in memory and one writer of its snapshots; each
 * returned handle is closed on its own, and the last close saves and stops the engine.
 */
export async function openSqliteDatabase(file: string, options: OpenSqliteDatabaseOptions = {}): Promise<SqliteDatabase> {
  const key = canonicalPath(file);
  let pending = opening.get(key);
  if (!pending) {
    pending = startInstance(key, options);
    opening.set(key, pending);
    pending.catch(() => opening.delete(key));
  }
  const instance = await pending;
  if (instance.closing) {
    // The last handle is closing it: open again once that is over (a failed close keeps it open).
    await instance.closing.catch(() => undefined);
    return openSqliteDatabase(file, options);
  }
  instance.handles++;
  return new SqliteDatabase(instance, options.checkpoint ?? DEFAULT_CHECKPOINT_POLICY);
}

/** The files this process has open, for diagnostics and tests. */
export function openSqliteFiles(): string[] {
  return [...open].map((instance) => instance.info.file);
}

async function startInstance(key: string, options: OpenSqliteDatabaseOptions): Promise<Instance> {
  const transport: SqliteTransport =
    options.runIn === 'thread' ? new InThreadSqliteTransport(key) : new SqliteWorkerTransport(key, options.workerScript);
  let info;
  try {
    info = await transport.call('open', {
      file: key,
      create: options.create ?? true,
      ...(options.wasmPath ? { wasmPath: options.wasmPath } : {}),
      wasmModule: await compileSqlWasm(options.wasmPath),
    });
  } catch (error) {
    await transport.terminate();
    throw error;
  }
  // Any operation but a save or a status check may leave something to save before exit again.
  const tracked: SqliteTransport = {
    call: (op, args, signal, transfer) => {
      if (op !== 'checkpoint' && op !== 'status') instance.savedAtExit = false;
      return transport.call(op, args, signal, transfer);
    },
    onEvent: (listener) => transport.onEvent(listener),
    terminate: () => transport.terminate(),
  };
  const checkpointListeners = new Set<(stats: CheckpointStats) => void>();
  const failureListeners = new Set<(error: SqliteDatabaseError) => void>();
  const instance: Instance = {
    transport: tracked,
    info,
    checkpointListeners,
    failureListeners,
    handles: 0,
    closing: undefined,
    savedAtExit: false,
    release: () => release(key, instance),
  };
  transport.onEvent((event) => {
    if (event.type === 'checkpointed') for (const listener of checkpointListeners) listener(event.stats);
    else {
      const error = new SqliteDatabaseError(event.error);
      for (const listener of failureListeners) listener(error);
    }
  });
  open.add(instance);
  installExitHook();
  return instance;
}

async function release(key: string, instance: Instance): Promise<CloseResult> {
  if (instance.handles > 1) {
    instance.handles--;
    return { discardedChangedRows: 0 };
  }
  instance.closing = (async () => {
    const result = await instance.transport.call('close', {});
    await instance.transport.terminate();
    return result;
  })();
  try {
    const result = await instance.closing;
    instance.handles = 0;
    open.delete(instance);
    opening.delete(key);
    return result;
  } finally {
    instance.closing = undefined;
  }
}

/**
 * A process that ends without closing its databases (a script that forgot, the CLI on an
 * error path) would lose what no checkpoint saved. Before Node exits, each open database is
 * asked once to save what is unsaved (a save of nothing writes nothing); asking again only after
 * new work, since the save itself would otherwise bring 'beforeExit' back forever. A failure is
 * printed: there is no caller left to tell.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('beforeExit', () => {
    for (const instance of open) {
      if (instance.savedAtExit || instance.closing) continue;
      instance.savedAtExit = true;
      instance.transport
        .call('checkpoint', { overwrite: false })
        .catch((error: unknown) =>
          process.stderr.write(
            `dagstream: could not save ${instance.info.file} before exiting: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
        );
    }
  });
}

/** The same file under any spelling (relative, through a symlinked folder) is one key. */
function canonicalPath(file: string): string {
  const resolved = path.resolve(file);
  try {
    return path.join(realpathSync(path.dirname(resolved)), path.basename(resolved));
  } catch {
    return resolved;
  }
}
