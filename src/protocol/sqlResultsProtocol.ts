/**
 * The contract between the SQL results webview (`sqlResults`) and the extension host.
 *
 * A run streams: `didStartRun`, then one or more `didReceiveRows` pages (the last with
 * `done: true`), or `didFailRun`. Pages let a 100,000-row result reach the grid without one huge
 * message blocking the host; the first page is small so that the first rows show at once.
 * Every message carries a `type` literal; both sides narrow with the guards below.
 */

/**
 * A value as the grid shows it: numbers and text as they are (integers beyond ±2^53 arrive as
 * their exact decimal text), NULL as null, a BLOB as its size and the hex of its first bytes.
 * The webview renders all of them as text, never as markup.
 */
export type SqlCellDto = string | number | null | SqlBlobDto;

export interface SqlBlobDto {
  blob: true;
  bytes: number;
  /** Hex of the first bytes (at most 32). */
  hexPrefix: string;
}

export function isSqlBlobDto(value: SqlCellDto): value is SqlBlobDto {
  return typeof value === 'object' && value !== null;
}

/** Where a failing statement is, in the editor's terms (1-based), when it came from a document. */
export interface SqlErrorPositionDto {
  line: number;
  column: number;
  /** 0-based index of the statement in what was run. */
  statementIndex: number;
}

export interface SqlRunErrorDto {
  /** Dagstream's message: what was being done, on which file, and what to do. */
  message: string;
  /** SQLite's own words, when SQLite rejected the statement. */
  sqliteMessage?: string;
  /** The error's kind (sql, parameters, locked, interrupted...). */
  kind: string;
  position?: SqlErrorPositionDto;
}

// ---- webview -> host ----

/** The webview has loaded (or was shown again) and wants the current run's state and rows. */
export interface SqlResultsReadyCommand {
  type: 'sqlResults/ready';
}

/** Put text on the clipboard (the host's clipboard works where the webview's may not). */
export interface CopyTextCommand {
  type: 'sqlResults/copy';
  text: string;
  /** What was copied, for the confirmation ("3 rows", "a cell"). */
  what: string;
}

/** Export the current run's rows (in the query's order) to a file the user picks. */
export interface ExportResultsCommand {
  type: 'sqlResults/export';
  format: 'csv' | 'json';
}

/** Reveal where a failing statement is in its .sql document. */
export interface RevealErrorCommand {
  type: 'sqlResults/revealError';
  runId: number;
}

/** Run the same SQL on the same database again. */
export interface RerunCommand {
  type: 'sqlResults/rerun';
}

/** Stop the run in progress (SQLite is interrupted between rows; what it wrote is rolled back). */
export interface CancelRunCommand {
  type: 'sqlResults/cancel';
  runId: number;
}

export type SqlResultsCommand =
  SqlResultsReadyCommand | CopyTextCommand | ExportResultsCommand | RevealErrorCommand | RerunCommand | CancelRunCommand;

// ---- host -> webview ----

export interface DidStartRunNotification {
  type: 'sqlResults/didStartRun';
  runId: number;
  /** The database's name as the user knows it (workspace-relative path). */
  database: string;
  sql: string;
  /** Where the SQL came from ("queries.sql, line 4", "table events"). */
  source: string;
  /** False when the source is no document (a table's first rows): there is nothing to reveal. */
  revealable: boolean;
}

export interface DidReceiveRowsNotification {
  type: 'sqlResults/didReceiveRows';
  runId: number;
  columns: string[];
  /** Index of this page's first row in the result. */
  offset: number;
  rows: SqlCellDto[][];
  /** Rows the statement produced in all (exact, even when fewer are sent). */
  totalRows: number;
  /** Rows that will be sent in all (totalRows, or the configured cap). */
  rowsToSend: number;
  /** True on the last page. */
  done: boolean;
  /** Time SQLite took to run what was asked (all statements), in ms. */
  durationMs: number;
  /** Rows changed by the statements. */
  changes: number;
  /** Statements run (a selection may hold several; the rows are the last one's). */
  statements: number;
}

export interface DidFailRunNotification {
  type: 'sqlResults/didFailRun';
  runId: number;
  error: SqlRunErrorDto;
  durationMs: number;
}

/** The outcome of an export or a copy, for the webview's status line. */
export interface DidReportNotification {
  type: 'sqlResults/didReport';
  severity: 'info' | 'error';
  text: string;
}

export type SqlResultsNotification = DidStartRunNotification | DidReceiveRowsNotification | DidFailRunNotification | DidReportNotification;

// ---- guards ----

function hasType(value: unknown): value is { type: string } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Narrows a message from the webview; anything else is ignored by the host. */
export function isSqlResultsCommand(value: unknown): value is SqlResultsCommand {
  if (!hasType(value)) return false;
  switch (value.type) {
    case 'sqlResults/ready':
    case 'sqlResults/rerun':
      return true;
    case 'sqlResults/copy':
      return typeof value.text === 'string' && typeof value.what === 'string';
    case 'sqlResults/export':
      return value.format === 'csv' || value.format === 'json';
    case 'sqlResults/revealError':
    case 'sqlResults/cancel':
      return Number.isInteger(value.runId);
    default:
      return false;
  }
}

/** Narrows a message from the host; the webview ignores anything else. */
export function isSqlResultsNotification(value: unknown): value is SqlResultsNotification {
  if (!hasType(value)) return false;
  switch (value.type) {
    case 'sqlResults/didStartRun':
      return Number.isInteger(value.runId) && typeof value.database === 'string' && typeof value.sql === 'string';
    case 'sqlResults/didReceiveRows':
      return Number.isInteger(value.runId) && Array.isArray(value.columns) && Array.isArray(value.rows) && Number.isInteger(value.offset);
    case 'sqlResults/didFailRun':
      return Number.isInteger(value.runId) && typeof value.error === 'object' && value.error !== null;
    case 'sqlResults/didReport':
      return (value.severity === 'info' || value.severity === 'error') && typeof value.text === 'string';
    default:
      return false;
  }
}
