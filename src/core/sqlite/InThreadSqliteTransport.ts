import { SqliteDatabaseError } from './SqliteDatabaseError';
import { SqliteEngine } from './SqliteEngine';
import type { SqliteArgs, SqliteEngineEvent, SqliteOperationName, SqliteResult } from './sqliteProtocol';
import type { SqliteTransport } from './SqliteTransport';

/**
 * Runs the engine on the caller's thread: the same operations and errors as the worker, without
 * the thread. For tests and measurements; it blocks the caller for as long as each operation
 * takes (a 100 MB export blocks it for the whole export), which is why it is not the default.
 */
export class InThreadSqliteTransport implements SqliteTransport {
  private engine: SqliteEngine | undefined;
  private readonly listeners: ((event: SqliteEngineEvent) => void)[] = [];
  private readonly interrupt = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;

  constructor(private readonly file: string) {}

  async call<K extends SqliteOperationName>(op: K, args: SqliteArgs<K>, signal?: AbortSignal): Promise<SqliteResult<K>> {
    const id = this.nextId++;
    // Nothing can interrupt synchronous work on this thread; an already-aborted signal still counts.
    if (signal?.aborted) Atomics.store(this.interrupt, 0, id);
    try {
      if (op === 'open') {
        const opened = await SqliteEngine.open(args as SqliteArgs<'open'>, {
          interrupt: this.interrupt,
          onEvent: (event) => {
            for (const listener of this.listeners) listener(event);
          },
        });
        this.engine = opened.engine;
        return opened.info as SqliteResult<K>;
      }
      if (!this.engine) throw new SqliteDatabaseError({ kind: 'closed', file: this.file, message: `${this.file} is not open.` });
      return (await this.engine.handle(id, op as Exclude<K, 'open'>, args as SqliteArgs<Exclude<K, 'open'>>)) as SqliteResult<K>;
    } catch (error) {
      // The same error objects as across the worker boundary, so callers cannot tell the difference.
      throw new SqliteDatabaseError(SqliteDatabaseError.serialize(error, this.file), { cause: error });
    }
  }

  onEvent(listener: (event: SqliteEngineEvent) => void): void {
    this.listeners.push(listener);
  }

  terminate(): Promise<void> {
    this.engine = undefined;
    return Promise.resolve();
  }
}
