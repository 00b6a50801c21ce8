import { parentPort, workerData } from 'node:worker_threads';
import { SqliteDatabaseError } from './SqliteDatabaseError';
import { SqliteEngine } from './SqliteEngine';
import type { SqliteRequest, SqliteWorkerData, SqliteWorkerMessage } from './sqliteProtocol';

/**
 * The database worker: owns one SqliteEngine and answers SqliteRequests from the thread that
 * started it (see SqliteWorkerTransport). Exports, big inserts and big queries block this
 * thread, never the extension host's.
 */
const port = parentPort;
if (!port) throw new Error('sqliteWorkerMain runs as a worker thread (started by SqliteWorkerTransport), not on its own.');

const interrupt = new Int32Array((workerData as SqliteWorkerData).interrupt);
let engine: Promise<SqliteEngine> | undefined;
let file = '(not open yet)';

function post(message: SqliteWorkerMessage): void {
  port!.postMessage(message);
}

async function serve(request: SqliteRequest): Promise<void> {
  try {
    let result: unknown;
    if (request.op === 'open') {
      file = request.args.file;
      const opening = SqliteEngine.open(request.args, { interrupt, onEvent: (event) => post({ kind: 'event', event }) });
      engine = opening.then((opened) => opened.engine);
      result = (await opening).info;
    } else {
      if (!engine)
        throw new SqliteDatabaseError({
          kind: 'closed',
          file,
          message: 'The database worker got a request before open; open the database first.',
        });
      result = await (await engine).handle(request.id, request.op, request.args as never);
    }
    post({ kind: 'response', id: request.id, ok: true, result });
  } catch (error) {
    post({ kind: 'response', id: request.id, ok: false, error: SqliteDatabaseError.serialize(error, file) });
  }
}

port.on('message', (request: SqliteRequest) => void serve(request));
