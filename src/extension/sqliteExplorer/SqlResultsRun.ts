import type { SqliteDatabase } from '../../core/sqlite/SqliteDatabase';
import { SqliteDatabaseError } from '../../core/sqlite/SqliteDatabaseError';
import type { SqlValue } from '../../core/sqlite/sqliteTypes';
import type { SqlCellDto, SqlResultsNotification, SqlRunErrorDto } from '../../protocol/sqlResultsProtocol';

/** Small first page so the grid shows rows at once; bigger ones after, so 100,000 rows take few messages. */
export const FIRST_PAGE_ROWS = 200;
export const PAGE_ROWS = 5_000;
const BLOB_PREFIX_BYTES = 32;

export interface SqlRunRequest {
  database: SqliteDatabase;
  /** The database as the user knows it (workspace-relative path). */
  databaseLabel: string;
  sql: string;
  /** Where the SQL came from, for the header ("queries.sql, line 4"). */
  source: string;
  /** 1-based position of the SQL's first character in its document, to place errors there. */
  origin?: { line: number; column: number };
  /** Most rows kept and sent (the total stays exact). */
  maxRows: number;
  signal?: AbortSignal;
}

/** Sends one message to the webview; resolves when it is handed over (VS Code's postMessage). */
export type PostNotification = (message: SqlResultsNotification) => PromiseLike<unknown>;

interface Outcome {
  columns: string[];
  rows: SqlValue[][];
  totalRows: number;
  durationMs: number;
  changes: number;
  statements: number;
}

/**
 * One run of SQL for the results panel: runs it through the database service (in its worker, off
 * this thread), keeps the rows for export and for a webview that reloads (no
 * retainContextWhenHidden), and streams them to the webview in pages. Plain Node: the benchmark
 * drives it exactly as the panel does.
 */
export class SqlResultsRun {
  private outcome: Outcome | undefined;
  private failure: { error: SqlRunErrorDto; durationMs: number } | undefined;
  readonly finished: Promise<void>;
  /** Each stream gets a number; a newer stream (the webview reloaded) stops the older one. */
  private streamGeneration = 0;

  constructor(
    readonly runId: number,
    readonly request: SqlRunRequest,
  ) {
    this.finished = this.execute();
  }

  get result(): Outcome | undefined {
    return this.outcome;
  }

  get error(): SqlRunErrorDto | undefined {
    return this.failure?.error;
  }

  /** Tells the webview about this run from the start: what runs, then its rows page by page, or its error. */
  async stream(post: PostNotification): Promise<void> {
    const generation = ++this.streamGeneration;
    const { request } = this;
    await post({
      type: 'sqlResults/didStartRun',
      runId: this.runId,
      database: request.databaseLabel,
      sql: request.sql,
      source: request.source,
      revealable: request.origin !== undefined,
    });
    await this.finished;
    if (generation !== this.streamGeneration) return;
    if (this.failure) {
      await post({ type: 'sqlResults/didFailRun', runId: this.runId, ...this.failure });
      return;
    }
    const outcome = this.outcome!;
    const { rows } = outcome;
    let offset = 0;
    do {
      const size = offset === 0 ? FIRST_PAGE_ROWS : PAGE_ROWS;
      const page = rows.slice(offset, offset + size).map(toCells);
      const done = offset + size >= rows.length;
      await post({
        type: 'sqlResults/didReceiveRows',
        runId: this.runId,
        columns: outcome.columns,
        offset,
        rows: page,
        totalRows: outcome.totalRows,
        rowsToSend: rows.length,
        done,
        durationMs: outcome.durationMs,
        changes: outcome.changes,
        statements: outcome.statements,
      });
      offset += size;
      // Let the host serve the editor between pages.
      if (!done) await new Promise((resolve) => setImmediate(resolve));
      if (generation !== this.streamGeneration) return;
    } while (offset < rows.length);
  }

  private async execute(): Promise<void> {
    const { request } = this;
    const started = performance.now();
    try {
      const result = await request.database.execute(request.sql, undefined, {
        rowsOf: 'last',
        maxRows: request.maxRows,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const last = result.statements.at(-1);
      this.outcome = {
        columns: last?.columns ?? [],
        rows: last?.rows ?? [],
        totalRows: last?.totalRows ?? 0,
        durationMs: result.durationMs,
        changes: result.changes,
        statements: result.statements.length,
      };
    } catch (error) {
      this.failure = { error: describeRunError(error, request.origin), durationMs: performance.now() - started };
    }
  }
}

/** A row as the grid shows it: BLOBs as their size and first bytes. */
export function toCells(row: readonly SqlValue[]): SqlCellDto[] {
  return row.map((value) =>
    value instanceof Uint8Array
      ? { blob: true, bytes: value.length, hexPrefix: Buffer.from(value.subarray(0, BLOB_PREFIX_BYTES)).toString('hex') }
      : value,
  );
}

/** The error as the webview shows it, its position moved from the run's text into its document. */
export function describeRunError(error: unknown, origin: { line: number; column: number } | undefined): SqlRunErrorDto {
  if (!(error instanceof SqliteDatabaseError))
    return { kind: 'io', message: `The query failed: ${error instanceof Error ? error.message : String(error)}` };
  const at = error.position?.near ?? error.position;
  const base = { line: origin?.line ?? 1, column: origin?.column ?? 1 };
  const line = at ? base.line + at.line - 1 : 0;
  const column = at ? (at.line === 1 ? base.column + at.column - 1 : at.column) : 0;
  // The core counts lines from the start of what ran; the user reads them in the document.
  const message =
    at && origin ? error.message.replace(/\(line \d+, column \d+\)/, `(line ${line}, column ${column} of the file)`) : error.message;
  return {
    kind: error.kind,
    message,
    ...(error.sqliteMessage !== undefined ? { sqliteMessage: error.sqliteMessage } : {}),
    ...(at && error.position
      ? {
          position: {
            statementIndex: error.position.statementIndex,
            line,
            column,
          },
        }
      : {}),
  };
}
