import * as path from 'node:path';
import type { TaskSpec } from '../dag/dagFile';
import { failedBeforeStart } from '../executor/failedBeforeStart';
import { formatDuration } from '../executor/formatDuration';
import type { TaskLog } from '../executor/TaskLog';
import type { Operator, RunningTask, TaskOutcome, TaskRunContext } from '../executor/taskExecution';
import { joinSqlScripts, type JoinedSqlScripts } from '../sqlite/joinSqlScripts';
import { openSqliteDatabase } from '../sqlite/openSqliteDatabase';
import { SqliteDatabaseError } from '../sqlite/SqliteDatabaseError';
import type { SqlParameters, SqlValue, StatementResult } from '../sqlite/sqliteTypes';
import { startInProcessTask } from './startInProcessTask';
import { TaskArguments } from './TaskArguments';

/** Rows an XCom holds at most unless `return_last` gives another limit: XComs live in the metadata database. */
const DEFAULT_XCOM_ROWS = 1000;
const LOGGED_SQL_CHARS = 1000;
const DEFAULT_KILL_GRACE_MS = 5000;

/** The XCom of one statement that returns rows (Airflow returns nothing for one that does not). */
export interface SqlXCom {
  columns: string[];
  /** At most the `return_last` limit (default 1,000); BLOBs as base64 text, big integers as exact text. */
  rows: (string | number | null)[][];
  /** Rows the statement returned in all. */
  total_rows: number;
}

interface SqlTask {
  /** As written in the task, for messages. */
  database: string;
  file: string;
  scripts: JoinedSqlScripts;
  parameters: SqlParameters | undefined;
  splitStatements: boolean;
  returnLast: boolean;
  maxRows: number;
}

/**
 * Runs SQL on a SQLite database file of the workspace, like Airflow's SQLExecuteQueryOperator:
 * `database` (workspace-relative), `sql` (a script, or a list of scripts run in order;
 * templated), `parameters` (a list for ?, an object for :name; templated, and bound, never
 * spliced into the SQL), `split_statements`, `return_last`.
 *
 * Everything runs in one transaction, committed at the end (Airflow's default, autocommit off):
 * a failing statement fails the task with SQLite's error and the statement's position, and
 * nothing of the task is kept. (SQL with its own BEGIN/COMMIT, a VACUUM or a PRAGMA runs as
 * written instead: PRAGMA foreign_keys, for one, does nothing inside a transaction.) The database is saved before the task succeeds. Its XCom is the
 * last statement's rows ({columns, rows, total_rows}, rows capped); with `return_last: false`,
 * a list with one entry per script (per statement with `split_statements`); `return_last: N`
 * keeps the last statement's rows, at most N of them.
 *
 * The database runs in Dagstream's SQLite worker thread, not in the engine's thread; `kill` and
 * `execution_timeout` interrupt it between statements and rows and roll the transaction back.
 */
export const sqlOperator: Operator = {
  name: 'sql',
  start(task: TaskSpec, context: TaskRunContext): RunningTask {
    let sqlTask: SqlTask;
    try {
      sqlTask = parseSqlTask(task, context);
    } catch (error) {
      return failedBeforeStart(context, 'sql', error);
    }
    const graceMs = context.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    return startInProcessTask(context, 'sql', (log, signal) => runSqlTask(sqlTask, log, signal), {
      // The transaction must be rolled back before the try ends.
      settle: 'when-work-ends',
      stopNote: 'interrupting the SQL',
      describeError: (error) => describeFailure(error, sqlTask),
      onStop: (log, hasEnded) => {
        // sql.js cannot interrupt inside one statement (no sqlite3_interrupt); say so if the statement does not end.
        setTimeout(() => {
          if (!hasEnded())
            log.warning(
              `The running statement did not reach a point where it can stop within ${formatDuration(graceMs)}; it is rolled back when it ends`,
            );
        }, graceMs).unref();
      },
    });
  },
};

function parseSqlTask(task: TaskSpec, context: TaskRunContext): SqlTask {
  const args = new TaskArguments(task);
  const database = args.requiredString('database');
  const rawSql = task.sql;
  let scripts: string[];
  if (typeof rawSql === 'string') scripts = [rawSql];
  else if (Array.isArray(rawSql) && rawSql.length > 0 && rawSql.every((item): item is string => typeof item === 'string')) scripts = rawSql;
  else throw args.error('sql', 'must be a string of SQL or a non-empty list of strings');
  if (scripts.every((script) => script.trim() === '')) throw args.error('sql', 'is empty; give at least one statement');
  const parameters = task.parameters;
  if (parameters !== undefined && parameters !== null && typeof parameters !== 'object')
    throw args.error('parameters', 'must be a list (for ? placeholders) or an object (for :name placeholders)');
  const returnLast = task.return_last;
  if (
    returnLast !== undefined &&
    returnLast !== null &&
    typeof returnLast !== 'boolean' &&
    !(Number.isInteger(returnLast) && (returnLast as number) >= 0)
  )
    throw args.error('return_last', 'must be true, false, or a number of rows (0 or more)');
  return {
    database,
    file: path.resolve(context.workspaceDir, database),
    scripts: joinSqlScripts(scripts),
    parameters: (parameters ?? undefined) as SqlParameters | undefined,
    splitStatements: args.optionalBoolean('split_statements') ?? false,
    returnLast: returnLast !== false,
    maxRows: typeof returnLast === 'number' ? returnLast : DEFAULT_XCOM_ROWS,
  };
}

async function runSqlTask(task: SqlTask, log: TaskLog, signal: AbortSignal): Promise<TaskOutcome> {
  const db = await openSqliteDatabase(task.file);
  try {
    log.info(
      `Running ${describeScripts(task)} on ${task.database}${task.database === task.file ? '' : ` (${task.file})`} in one transaction${describeParameters(task.parameters)}`,
    );
    const result = await db.execute(task.scripts.sql, task.parameters, {
      rowsOf: task.returnLast ? 'last' : 'all',
      maxRows: task.maxRows,
      checkpoint: { afterTransaction: true },
      signal,
    });
    for (const statement of result.statements) log.info(describeStatement(task, statement));
    if (result.checkpoint)
      log.info(`Saved ${task.database} (${result.checkpoint.bytes} bytes) in ${formatDuration(result.checkpoint.totalMs)}`);
    const xcom = task.returnLast ? toXCom(result.statements.at(-1)) : xcomList(task, result.statements);
    return { state: 'success', ...(xcom === undefined ? {} : { xcom }) };
  } finally {
    await db.close();
  }
}

function xcomList(task: SqlTask, statements: StatementResult[]): (SqlXCom | null)[] {
  if (task.splitStatements) return statements.map((statement) => toXCom(statement) ?? null);
  // Not split: each script is one unit, as Airflow runs an unsplit string as one statement; its result is its last statement's.
  const lastOfScript = new Map<number, StatementResult>();
  for (const statement of statements) lastOfScript.set(task.scripts.locate(statement.position.offset).script, statement);
  return task.scripts.scripts.map((_, index) => toXCom(lastOfScript.get(index)) ?? null);
}

function toXCom(statement: StatementResult | undefined): SqlXCom | undefined {
  if (!statement || statement.columns.length === 0) return undefined;
  return { columns: statement.columns, rows: statement.rows.map((row) => row.map(toJsonValue)), total_rows: statement.totalRows };
}

function toJsonValue(value: SqlValue): string | number | null {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}

function describeStatement(task: SqlTask, statement: StatementResult): string {
  const where = task.scripts.locate(statement.position.offset);
  const sql =
    statement.sql.length > LOGGED_SQL_CHARS
      ? `${statement.sql.slice(0, LOGGED_SQL_CHARS)}... (${statement.sql.length - LOGGED_SQL_CHARS} more characters)`
      : statement.sql;
  const rows = statement.columns.length > 0 ? `${statement.totalRows} row(s) returned` : `${statement.changes} row(s) changed`;
  return `Statement ${statement.position.statementIndex + 1} (${describeLocation(task, where)}): ${sql} -> ${rows} in ${formatDuration(statement.durationMs)}`;
}

function describeLocation(task: SqlTask, where: { script: number; line: number; column: number }): string {
  return `${task.scripts.scripts.length > 1 ? `sql[${where.script}], ` : ''}line ${where.line}, column ${where.column}`;
}

function describeScripts(task: SqlTask): string {
  const count = task.scripts.scripts.length;
  return count > 1 ? `${count} SQL scripts` : 'SQL';
}

function describeParameters(parameters: SqlParameters | undefined): string {
  if (parameters === undefined) return '';
  // Names only: values may be credentials or personal data.
  if (Array.isArray(parameters)) return ` with ${parameters.length} positional parameter(s)`;
  const names = Object.keys(parameters);
  return names.length > 0 ? ` with parameters ${names.join(', ')}` : '';
}

/** SQLite's error with the statement's position in the task's own `sql` (its script and line), and what happened to the data. */
function describeFailure(error: unknown, task: SqlTask): string {
  if (!(error instanceof SqliteDatabaseError))
    return `Running SQL on ${task.database} failed: ${error instanceof Error ? error.message : String(error)}`;
  const position = error.position;
  if (error.kind === 'interrupted') return `The SQL on ${task.database} was interrupted; nothing of it was kept`;
  if (!position || (error.kind !== 'sql' && error.kind !== 'parameters')) return error.message;
  const where = task.scripts.locate(position.near?.offset ?? position.offset);
  const what = error.kind === 'parameters' ? 'could not bind its parameters' : 'failed';
  const firstLine = task.scripts.sql.slice(position.offset).split('\n', 1)[0]!.trim();
  const kept = error.message.includes('No change from this script was kept')
    ? 'Nothing of this task was kept (it ran in one transaction).'
    : 'What the SQL committed itself before this statement was kept.';
  return `Statement ${position.statementIndex + 1} (${describeLocation(task, where)}) ${what} on ${task.database}: ${error.sqliteMessage ?? error.message}. ${kept} The statement starts: ${firstLine.length > 200 ? `${firstLine.slice(0, 200)}...` : firstLine}`;
}
