import { Worker } from 'node:worker_threads';
import { resolveSqliteWorkerScript } from './resolveSqliteWorkerScript';
import { SqliteDatabaseError } from './SqliteDatabaseError';
import type {
  SqliteArgs,
  SqliteEngineEvent,
  SqliteOperationName,
  SqliteRequest,
  SqliteResult,
  SqliteWorkerData,
  SqliteWorkerMessage,
} from './sqliteProtocol';
import type { SqliteTransport } from './SqliteTransport';

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/**
 * Talks to a database worker (sqliteWorkerMain) over postMessage, one request and one response
 * per operation, correlated by id. The worker does not keep the process alive while idle: the
 * CLI exits when its work is done (openSqliteDatabase saves unsaved changes before exit).
 */
export class SqliteWorkerTransport implements SqliteTransport {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((event: SqliteEngineEvent) => void)[] = [];
  private readonly interrupt = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  private stopped: SqliteDatabaseError | undefined;

  constructor(
    private readonly file: string,
    workerScript?: string,
  ) {
    const script = resolveSqliteWorkerScript(workerScript);
    const workerData: SqliteWorkerData = { interrupt: this.interrupt.buffer as SharedArrayBuffer };
    this.worker = new Worker(script.code, {
      eval: script.eval,
      workerData,
      name: `dagstream-sqlite ${file}`,
      // The built worker is one plain CommonJS file: module loaders the parent runs under (tsx in
      // development and benchmarks) would only slow every start (Node 20 gives each worker its own
      // loader thread for --import). The source worker registers tsx by itself.
      ...(script.eval ? {} : { execArgv: withoutModuleLoaders(process.execArgv) }),
    });
    this.worker.unref();
    this.worker.on('message', (message: SqliteWorkerMessage) => this.receive(message));
    this.worker.on('error', (error) => this.stop(`failed: ${error.message}`, error));
    this.worker.on('exit', (code) => this.stop(`exited (code ${code})`, undefined));
  }

  call<K extends SqliteOperationName>(
    op: K,
    args: SqliteArgs<K>,
    signal?: AbortSignal,
    transfer?: readonly ArrayBuffer[],
  ): Promise<SqliteResult<K>> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise<SqliteResult<K>>((resolve, reject) => {
      const onAbort = (): void => {
        Atomics.store(this.interrupt, 0, id);
      };
      const settle = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
        if (this.pending.size === 0) this.worker.unref();
      };
      this.pending.set(id, {
        resolve: (result) => {
          settle();
          resolve(result as SqliteResult<K>);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      // A request in flight keeps the process alive until its answer arrives.
      this.worker.ref();
      this.worker.postMessage({ kind: 'request', id, op, args } as SqliteRequest, transfer);
    });
  }

  onEvent(listener: (event: SqliteEngineEvent) => void): void {
    this.listeners.push(listener);
  }

  async terminate(): Promise<void> {
    this.stopped ??= new SqliteDatabaseError({
      kind: 'closed',
      file: this.file,
      message: `${this.file} is closed. Open it again to use it.`,
    });
    await this.worker.terminate();
  }

  private receive(message: SqliteWorkerMessage): void {
    if (message.kind === 'event') {
      for (const listener of this.listeners) listener(message.event);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new SqliteDatabaseError(message.error));
  }

  private stop(how: string, cause: Error | undefined): void {
    this.stopped ??= new SqliteDatabaseError(
      {
        kind: 'worker',
        file: this.file,
        message: `The database worker for ${this.file} ${how}. Open the database again; changes that no checkpoint had saved are lost.`,
      },
      { cause },
    );
    for (const pending of [...this.pending.values()]) pending.reject(this.stopped);
  }
}

const LOADER_FLAGS = new Set(['--require', '-r', '--import', '--loader', '--experimental-loader']);

/** `execArgv` without the flags that preload modules or register loaders (and their values). */
export function withoutModuleLoaders(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (LOADER_FLAGS.has(arg)) i++;
    else if (![...LOADER_FLAGS].some((flag) => arg.startsWith(`${flag}=`))) kept.push(arg);
  }
  return kept;
}
