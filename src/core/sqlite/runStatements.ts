import type { Database, Statement } from 'sql.js';
import { bindParameters } from './bindParameters';
import { readRow } from './readRow';
import { findSqlParameters, lineColumnAt, skipSqlTrivia } from './scanSqlText';
import { SqliteDatabaseError } from './SqliteDatabaseError';
import type { SqlParameters, SqlPosition, SqlValue, StatementResult } from './sqliteTypes';

export interface RunStatementsOptions {
  file: string;
  params: SqlParameters | undefined;
  /** Rows to skip and keep, per statement. */
  offset: number;
  limit: number;
  rowsOf: 'all' | 'last';
  /** Refuse a second statement (query() runs exactly one). */
  single: boolean;
  /** SQLite's total_changes(), read before and after each statement to count its changes. */
  totalChanges: () => number;
  /** Throws when the caller asked to stop; called between statements and every few thousand rows. */
  checkInterrupted: () => void;
}

const INTERRUPT_CHECK_ROWS = 4096;

/**
 * Runs every statement of `script` in order and reports each one's rows, changes and position.
 * sql.js's statement iterator gives each statement's text; adding their lengths gives where each
 * starts, so an error names its statement and line/column (sql.js has no sqlite3_error_offset).
 * A failure throws a SqliteDatabaseError of kind `sql` or `parameters` and leaves transaction
 * handling to the caller.
 */
export function runStatements(
  db: Database,
  script: string,
  options: RunStatementsOptions,
  /** Filled as statements complete, so that a caller still has the ones before a failure. */
  results: StatementResult[] = [],
): StatementResult[] {
  let consumed = 0;
  while (skipSqlTrivia(script, consumed) < script.length) {
    const chunkStart = consumed;
    const iterator = db.iterateStatements(script.slice(chunkStart));
    try {
      for (;;) {
        let next: IteratorResult<Statement>;
        try {
          next = iterator.next();
        } catch (error) {
          throw statementError(error, script, options.file, results.length, skipSqlTrivia(script, consumed), 'sql');
        }
        if (next.done) break;
        const start = skipSqlTrivia(script, consumed);
        consumed += next.value.getSQL().length;
        const index = results.length;
        if (options.single && index > 0)
          throw new SqliteDatabaseError({
            kind: 'sql',
            file: options.file,
            position: position(script, index, start),
            message: `Only one statement can run here, but the text has more (statement ${index + 1} starts at line ${lineColumnAt(script, start).line}). Run scripts with execute.`,
          });
        options.checkInterrupted();
        const previous = results.at(-1);
        if (previous && options.rowsOf === 'last') previous.rows = [];
        results.push(runOne(next.value, script, script.slice(start, consumed).trim(), start, index, options));
      }
    } finally {
      // Frees the statement being run and the copy of the SQL text inside the WebAssembly heap.
      (iterator as Iterator<Statement>).return?.();
    }
    // The iterator stops where SQLite prepares no statement; should text remain, go on from there (unless no progress was made).
    if (consumed === chunkStart) break;
  }
  return results;
}

function runOne(
  stmt: Statement,
  script: string,
  sql: string,
  start: number,
  index: number,
  options: RunStatementsOptions,
): StatementResult {
  const started = performance.now();
  let binds;
  try {
    binds = bindParameters(findSqlParameters(sql), options.params, !options.single);
  } catch (error) {
    throw statementError(error, script, options.file, index, start, 'parameters');
  }
  const before = options.totalChanges();
  const rows: SqlValue[][] = [];
  let totalRows = 0;
  let columns: string[];
  try {
    if (binds !== undefined) stmt.bind(binds);
    columns = stmt.getColumnNames();
    const end = options.offset + options.limit;
    while (stmt.step()) {
      if (totalRows >= options.offset && totalRows < end) rows.push(readRow(stmt));
      totalRows++;
      if (totalRows % INTERRUPT_CHECK_ROWS === 0) options.checkInterrupted();
    }
  } catch (error) {
    if (error instanceof SqliteDatabaseError) throw error;
    throw statementError(error, script, options.file, index, start, 'sql');
  }
  return {
    position: position(script, index, start),
    sql,
    columns,
    rows,
    totalRows,
    offset: options.offset,
    truncated: totalRows - options.offset > rows.length,
    changes: options.totalChanges() - before,
    durationMs: performance.now() - started,
  };
}

function position(script: string, statementIndex: number, offset: number): SqlPosition {
  return { statementIndex, offset, ...lineColumnAt(script, offset) };
}

/** SQLite's message for statement `index`, with where it is and, for syntax errors, the token it names. */
function statementError(
  error: unknown,
  script: string,
  file: string,
  index: number,
  start: number,
  kind: 'sql' | 'parameters',
): SqliteDatabaseError {
  const sqliteMessage = error instanceof Error ? error.message : String(error);
  const where = position(script, index, start);
  const near = /near "((?:[^"]|"")*)": syntax error/.exec(sqliteMessage);
  if (near) {
    const token = near[1]!.replace(/""/g, '"');
    const at = token ? script.indexOf(token, start) : -1;
    if (at >= 0) where.near = { offset: at, ...lineColumnAt(script, at) };
  }
  const at = where.near ?? where;
  const what = kind === 'parameters' ? 'Could not bind the parameters of' : 'SQLite rejected';
  return new SqliteDatabaseError(
    {
      kind,
      file,
      position: where,
      sqliteMessage,
      message: `${what} statement ${index + 1} (line ${at.line}, column ${at.column}) on ${file}: ${sqliteMessage}`,
    },
    { cause: error },
  );
}
