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
  /** The first page; the others stay in the database's thread, under cursorId. */
  firstPage: SqlValue[][];
  cursorId: number | undefined;
  /** Rows kept in all (at most maxRows). */
  keptRows: number;
  totalRows: number;
  durationMs: number;
  changes: number;
  statements: number;
}

/**
 * One run of SQL for the results panel: runs it through the database service (in its worker, off
 * this thread), where the rows stay (a cursor) for export and for a webview that reloads (no
 * retainContextWhenHidden), and streams them to the webview page by page, each page fetched from
 * the worker: no message ever carries the whole result, so the host never blocks on it. Plain
 * Node: the benchmark drives it exactly as the panel does.
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
    const total = outcome.keptRows;
    const fetchPage = (offset: number): Promise<SqlValue[][]> =>
      offset === 0
        ? Promise.resolve(outcome.firstPage)
        : outcome.cursorId === undefined
          ? Promise.resolve([])
          : this.request.database.fetchCursorRows(outcome.cursorId, offset, PAGE_ROWS);
    let offset = 0;
    let page = fetchPage(0);
    for (;;) {
      const rows = await page;
      const next = offset + rows.length;
      const done = next >= total || rows.length === 0;
      // The next page is read in the worker while this one is on its way.
      if (!done) page = fetchPage(next);
      await post({
        type: 'sqlResults/didReceiveRows',
        runId: this.runId,
        columns: outcome.columns,
        offset,
        rows: rows.map(toCells),
        totalRows: outcome.totalRows,
        rowsToSend: total,
        done,
        durationMs: outcome.durationMs,
        changes: outcome.changes,
        statements: outcome.statements,
      });
      if (done || generation !== this.streamGeneration) return;
      offset = next;
    }
  }

  /** Writes every kept row, in the query's order, to a CSV or JSON file (in the database's thread). */
  async exportRows(format: 'csv' | 'json', file: string): Promise<{ rows: number }> {
    const outcome = this.outcome;
    if (!outcome || outcome.cursorId === undefined) throw new Error('This run has no rows to export.');
    return this.request.database.exportCursorRows(outcome.cursorId, outcome.columns, format, file);
  }

  /** Releases the rows kept in the database's thread. */
  async dispose(): Promise<void> {
    this.streamGeneration++;
    await this.finished;
    const cursorId = this.outcome?.cursorId;
    if (this.outcome) this.outcome.cursorId = undefined;
    if (cursorId !== undefined) await this.request.database.closeCursor(cursorId).catch(() => undefined);
  }

  private async execute(): Promise<void> {
    const { request } = this;
    const started = performance.now();
    try {
      const result = await request.database.executeWithCursor(request.sql, undefined, {
        firstPageRows: FIRST_PAGE_ROWS,
        maxRows: request.maxRows,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const last = result.statements.at(-1);
      this.outcome = {
        columns: last?.columns ?? [],
        firstPage: last?.rows ?? [],
        cursorId: result.cursorId,
        keptRows: last ? Math.min(last.totalRows, request.maxRows) : 0,
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
