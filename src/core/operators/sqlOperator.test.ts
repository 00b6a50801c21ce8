import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../dag/dagFile';
import { createTestRunContext, removeTestWorkspaces } from '../executor/createTestRunContext';
import type { TaskRunContext } from '../executor/taskExecution';
import { startTask } from './operatorRegistry';
import { sqlOperator } from './sqlOperator';

afterAll(removeTestWorkspaces);

function sqlTask(extra: Partial<TaskSpec>): TaskSpec {
  return { task_id: 'query', operator: 'sql', database: 'data/weather.sqlite', ...extra };
}

async function run(task: TaskSpec, context: TaskRunContext = createTestRunContext()) {
  const running = sqlOperator.start(task, context);
  const outcome = await running.outcome;
  return { outcome, log: readFileSync(context.logFile, 'utf8'), context, running };
}

function sqlite3(context: TaskRunContext, sql: string): string {
  return execFileSync('sqlite3', [path.join(context.workspaceDir, 'data/weather.sqlite'), sql], { encoding: 'utf8' }).trim();
}

describe('sql operator', () => {
  it('runs statements with bound parameters, returns the last one’s rows, saves the file and logs each statement', async () => {
    const { outcome, log, context, running } = await run(
      sqlTask({
        sql: "CREATE TABLE events(city TEXT, temp REAL);\nINSERT INTO events VALUES (:city, 31.5), (:city, 33), ('Porto', 20);\nSELECT city, max(temp) AS hottest FROM events WHERE city = :city GROUP BY city",
        parameters: { city: 'Lisbon' },
      }),
    );
    expect(running.pid).toBeUndefined();
    expect(outcome).toEqual({ state: 'success', xcom: { columns: ['city', 'hottest'], rows: [['Lisbon', 33]], total_rows: 1 } });
    expect(sqlite3(context, 'SELECT count(*) FROM events')).toBe('3');
    expect(log).toMatch(
      /\{dagstream\.sql\} INFO - Running SQL on data\/weather\.sqlite \(.*weather\.sqlite\) in one transaction with parameters city/,
    );
    expect(log).toContain('INFO - Statement 1 (line 1, column 1): CREATE TABLE events(city TEXT, temp REAL); -> 0 row(s) changed');
    expect(log).toContain(
      "INFO - Statement 2 (line 2, column 1): INSERT INTO events VALUES (:city, 31.5), (:city, 33), ('Porto', 20); -> 3 row(s) changed",
    );
    expect(log).toMatch(/INFO - Statement 3 \(line 3, column 1\): SELECT city, max\(temp\) .* -> 1 row\(s\) returned in \d+ms/);
    expect(log).toMatch(/INFO - Saved data\/weather\.sqlite \(\d+ bytes\)/);
    expect(log).toContain('INFO - Task succeeded');
  });

  it('is registered, and runs with its sql and parameters rendered from the run’s context', async () => {
    const context = createTestRunContext({ xcoms: { extract: { temp: 31.5 } } });
    const running = startTask(
      sqlTask({
        sql: "CREATE TABLE w(day TEXT, city TEXT, temp REAL); INSERT INTO w VALUES ('{{ ds }}', :city, :temp); SELECT * FROM w",
        parameters: { city: '{{ params.city }}', temp: "{{ ti.xcom_pull('extract').temp }}" },
      }),
      context,
    );
    expect(await running.outcome).toEqual({
      state: 'success',
      xcom: { columns: ['day', 'city', 'temp'], rows: [['2026-11-25', 'Lisbon', 31.5]], total_rows: 1 },
    });
  });

  it('fails with SQLite’s error and the statement’s position, keeping nothing of the task', async () => {
    const context = createTestRunContext();
    await run(sqlTask({ sql: 'CREATE TABLE t(a)' }), context);
    const { outcome, log } = await run(sqlTask({ sql: 'INSERT INTO t VALUES (1);\n  INSERT INTO nope VALUES (2)' }), context);
    expect(outcome).toEqual({
      state: 'failed',
      error:
        'Statement 2 (line 2, column 3) failed on data/weather.sqlite: no such table: nope. Nothing of this task was kept (it ran in one transaction). The statement starts: INSERT INTO nope VALUES (2)',
    });
    expect(log).toContain('ERROR - Task failed: Statement 2 (line 2, column 3) failed');
    expect(sqlite3(context, 'SELECT count(*) FROM t')).toBe('0');
  });

  it('runs a list of scripts in order and, with return_last false, returns one result per script or per statement', async () => {
    const context = createTestRunContext();
    const scripts = [
      'CREATE TABLE t(a); INSERT INTO t VALUES (1), (2)',
      'SELECT a FROM t ORDER BY a; SELECT count(*) AS n FROM t',
      'DELETE FROM t WHERE a = ?',
    ];
    const perScript = await run(sqlTask({ sql: scripts, parameters: [1], return_last: false }), context);
    expect(perScript.outcome.xcom).toEqual([null, { columns: ['n'], rows: [[2]], total_rows: 1 }, null]);
    expect(perScript.log).toContain('Running 3 SQL scripts on data/weather.sqlite');
    expect(perScript.log).toContain('INFO - Statement 5 (sql[2], line 1, column 1): DELETE FROM t WHERE a = ? -> 1 row(s) changed');
    const perStatement = await run(
      sqlTask({ sql: 'SELECT a FROM t; INSERT INTO t VALUES (3); SELECT count(*) FROM t', split_statements: true, return_last: false }),
      context,
    );
    expect(perStatement.outcome.xcom).toEqual([
      { columns: ['a'], rows: [[2]], total_rows: 1 },
      null,
      { columns: ['count(*)'], rows: [[2]], total_rows: 1 },
    ]);
    const failing = await run(sqlTask({ sql: ['SELECT 1', 'SELECT *\nFROM nope'] }), context);
    expect(failing.outcome.error).toMatch(
      /^Statement 2 \(sql\[1\], line 1, column 1\) failed on data\/weather\.sqlite: no such table: nope/,
    );
  });

  it('caps the XCom rows at return_last (a number) and keeps the total; BLOBs become base64 and big integers exact text', async () => {
    const { outcome } = await run(
      sqlTask({
        sql: "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5000) SELECT i, x'00ff', 9007199254740993 FROM c",
        return_last: 2,
      }),
    );
    expect(outcome.xcom).toEqual({
      columns: ['i', "x'00ff'", '9007199254740993'],
      rows: [
        [1, 'AP8=', '9007199254740993'],
        [2, 'AP8=', '9007199254740993'],
      ],
      total_rows: 5000,
    });
    const capped = await run(
      sqlTask({ sql: 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5000) SELECT i FROM c' }),
    );
    expect((capped.outcome.xcom as { rows: unknown[] }).rows).toHaveLength(1000);
    const noRows = await run(sqlTask({ sql: 'CREATE TABLE x(a)' }));
    expect(noRows.outcome).toEqual({ state: 'success' });
  });

  it('fails before starting on invalid arguments, naming the argument', async () => {
    const cases: [Partial<TaskSpec>, RegExp][] = [
      [{ database: undefined, sql: 'SELECT 1' }, /argument "database" is required/],
      [{ sql: 42 as unknown as string }, /argument "sql" must be a string of SQL or a non-empty list of strings/],
      [{ sql: '  ' }, /argument "sql" is empty/],
      [{ sql: 'SELECT 1', parameters: 'x' as unknown as string[] }, /argument "parameters" must be a list/],
      [{ sql: 'SELECT 1', return_last: -1 }, /argument "return_last" must be true, false, or a number of rows/],
    ];
    for (const [extra, expected] of cases) {
      const { outcome, log } = await run(sqlTask(extra));
      expect(outcome.state).toBe('failed');
      expect(outcome.error).toMatch(expected);
      expect(log).toContain('{dagstream.sql} ERROR - Task failed before it started');
    }
    const bind = await run(sqlTask({ sql: 'SELECT :missing' }));
    expect(bind.outcome.error).toMatch(
      /^Statement 1 \(line 1, column 1\) could not bind its parameters on data\/weather\.sqlite: the statement has placeholders/,
    );
  });

  it('stops at execution_timeout and on kill, rolling the work back', async () => {
    const endless =
      'CREATE TABLE IF NOT EXISTS t(a); INSERT INTO t VALUES (1); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT i FROM c';
    const context = createTestRunContext({ executionTimeoutMs: 200 });
    const timedOut = await run(sqlTask({ sql: endless }), context);
    expect(timedOut.outcome).toEqual({ state: 'failed', error: 'Timed out after 200ms (execution_timeout)', timedOut: true });
    expect(timedOut.log).toContain('WARNING - Timed out after 200ms (execution_timeout); interrupting the SQL');

    const killContext = createTestRunContext({
      workspaceDir: context.workspaceDir,
      tryNumber: 2,
      logFile: path.join(context.workspaceDir, 'kill.log'),
    });
    const running = sqlOperator.start(sqlTask({ sql: endless }), killContext);
    setTimeout(() => running.kill('Killed by the user'), 200);
    expect(await running.outcome).toEqual({ state: 'failed', error: 'Killed by the user' });
    // Neither try kept its INSERT: the table is not even there (the CREATE was rolled back too).
    expect(
      execFileSync(
        'sqlite3',
        [path.join(context.workspaceDir, 'data/weather.sqlite'), "SELECT count(*) FROM sqlite_schema WHERE name = 't'"],
        { encoding: 'utf8' },
      ).trim(),
    ).toBe('0');
  });
});
