import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../dag/dagFile';
import { createTestRunContext, removeTestWorkspaces } from '../executor/createTestRunContext';
import { isProcessAlive } from '../executor/processTree';
import type { TaskRunContext } from '../executor/taskExecution';
import { startTask } from './operatorRegistry';

function python(code: string, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { task_id: 'task', operator: 'python', code, ...extra };
}

async function run(task: TaskSpec, context: TaskRunContext = createTestRunContext()) {
  const outcome = await startTask(task, context).outcome;
  return { outcome, log: readFileSync(context.logFile, 'utf8'), context };
}

afterAll(removeTestWorkspaces);

describe('python operator', () => {
  it('calls main(context) and returns its JSON value as XCom; prints go to the log', async () => {
    const code = [
      'import os',
      'def main(context):',
      '    print("hello from python")',
      '    return {"ds": context["ds"], "city": context["params"]["city"], "ti": context["ti"].task_id,',
      '            "try": context["ti"].try_number, "env": os.environ["AIRFLOW_CTX_DAG_ID"], "n": [1, 2.5, None, True]}',
    ].join('\n');
    const { outcome, log } = await run(python(code));
    expect(outcome).toEqual({
      state: 'success',
      exitCode: 0,
      xcom: { ds: '2026-11-25', city: 'Lisbon', ti: 'task', try: 1, env: 'weather', n: [1, 2.5, null, true] },
    });
    expect(log).toContain('hello from python\n');
    expect(log).toContain('Running command: python3 -c <dagstream python runner> (inline code, calling main)');
  });

  it('serves ti.xcom_pull from upstream tasks, passes op_kwargs, and supports Airflow-style signatures', async () => {
    const context = createTestRunContext({ xcoms: { extract: { temp: 31.5 }, other: 'x' } });
    const code = [
      'def main(context, factor=1, label=""):',
      '    ti = context["ti"]',
      '    return [ti.xcom_pull("extract")["temp"] * factor, label, ti.xcom_pull(task_ids=["extract"])]',
    ].join('\n');
    const { outcome } = await run(python(code, { upstream: ['extract'], op_kwargs: { factor: 2, label: '{{ params.city }}' } }), context);
    expect(outcome.xcom).toEqual([63, 'Lisbon', [{ temp: 31.5 }]]);

    const airflowStyle = "def main(ds, params, **kwargs):\n    return f\"{ds} {params['city']} {kwargs['ti'].task_id}\"";
    expect((await run(python(airflowStyle))).outcome.xcom).toBe('2026-11-25 Lisbon task');
    expect((await run(python('async def main():\n    return 42'))).outcome.xcom).toBe(42);
  });

  it('explains that only upstream XComs can be pulled', async () => {
    const context = createTestRunContext({ xcoms: { other: 'x' } });
    const { outcome } = await run(
      python('def main(context):\n    return context["ti"].xcom_pull("other")', { upstream: ['extract'] }),
      context,
    );
    expect(outcome.state).toBe('failed');
    expect(outcome.error).toContain(
      "KeyError: \"ti.xcom_pull('other'): a python task can pull the values of its upstream tasks only (upstream: extract). Add 'other' to this task's upstream.\"",
    );
  });

  it('runs a code_file that imports a module beside it', async () => {
    const context = createTestRunContext();
    const dir = path.join(context.workspaceDir, 'etl');
    mkdirSync(dir);
    // A workspace module named like a standard one must not break the runner.
    writeFileSync(path.join(context.workspaceDir, 'json.py'), 'raise RuntimeError("shadowed")\n');
    writeFileSync(path.join(dir, 'helpers.py'), 'def celsius(f):\n    return round((f - 32) * 5 / 9, 1)\n');
    writeFileSync(
      path.join(dir, 'transform.py'),
      'from helpers import celsius\n\nif __name__ == "__main__":\n    raise SystemExit("must not run")\n\ndef main(context):\n    return {"c": celsius(98.6), "file": __file__}\n',
    );
    const { outcome, log } = await run({ task_id: 'task', operator: 'python', code_file: 'etl/transform.py' }, context);
    expect(outcome.xcom).toEqual({ c: 37, file: path.join(dir, 'transform.py') });
    expect(log).toContain('(code_file etl/transform.py, calling main)');
  });

  it('skips on AirflowSkipException', async () => {
    const { outcome, log } = await run(
      python('def main(context):\n    raise AirflowSkipException("no data for {}".format(context["ds"]))'),
    );
    expect(outcome).toEqual({ state: 'skipped', exitCode: 0, message: 'Skipped: no data for 2026-11-25' });
    expect(log).toContain('Skipping: no data for 2026-11-25');
    const imported = await run(python('from dagstream import AirflowSkipException\ndef main(context):\n    raise AirflowSkipException()'));
    expect(imported.outcome.state).toBe('skipped');
  });

  it("fails with the exception's last line, the traceback (with the user's lines) in the log", async () => {
    const { outcome, log } = await run(python('def main(context):\n    x = 1\n    raise ValueError("bad input: " + context["ds"])'));
    expect(outcome).toEqual({ state: 'failed', exitCode: 1, error: 'ValueError: bad input: 2026-11-25' });
    expect(log).toContain('Traceback (most recent call last):');
    expect(log).toContain('File "<weather.task inline code>", line 3, in main');
    expect(log).toContain('raise ValueError("bad input: " + context["ds"])');
    expect(log).not.toContain('File "<string>"');
  });

  it('runs code written for Airflow: airflow.exceptions, attribute access, datetimes', async () => {
    const skipped = await run(
      python('from airflow.exceptions import AirflowSkipException\ndef main(context):\n    raise AirflowSkipException("not today")'),
    );
    expect(skipped.outcome.state).toBe('skipped');
    const failNow = await run(
      python('from airflow.exceptions import AirflowFailException\ndef main(context):\n    raise AirflowFailException("bad input")'),
    );
    expect(failNow.outcome).toMatchObject({ state: 'failed', noRetry: true });
    expect(failNow.outcome.error).toContain('bad input');
    const context = await run(
      python(
        'def main(context):\n    return [context["task"].task_id, context["dag_run"].run_type, context["logical_date"].year, context["data_interval_end"].hour]',
      ),
    );
    expect(context.outcome.xcom).toEqual(['task', 'manual', 2026, 14]);
  });

  it('fails clearly on a value that is not JSON-serialisable, a syntax error, or no main', async () => {
    const notJson = await run(python('def main(context):\n    return {"at": object()}'));
    expect(notJson.outcome.error).toContain(
      'main() returned a value that cannot be stored as XCom (Object of type object is not JSON serializable)',
    );
    expect((await run(python('def main(context):\n    return float("nan")'))).outcome.error).toContain('cannot be stored as XCom');
    // What Airflow's XCom serialiser accepts beyond JSON comes back as JSON.
    const dated = await run(
      python(
        'import datetime, decimal\ndef main(context):\n    return {"at": datetime.date(2026, 1, 1), "t": (1, 2), "d": decimal.Decimal("1.5")}',
      ),
    );
    expect(dated.outcome.xcom).toEqual({ at: '2026-01-01', t: [1, 2], d: 1.5 });
    const syntax = await run(python('def main(context)\n    return 1'));
    expect(syntax.outcome.error).toMatch(/^SyntaxError: .*line 1/);
    expect((await run(python('x = 1'))).outcome.error).toContain('The code defines no main function');
  });

  it('needs exactly one of code and code_file, and an existing code_file', async () => {
    expect((await run({ task_id: 'task', operator: 'python' })).outcome.error).toBe(
      'Task "task": argument "code" or "code_file" must be given (exactly one of them).',
    );
    expect((await run({ task_id: 'task', operator: 'python', code_file: 'missing.py' })).outcome.error).toContain(
      'argument "code_file" points to',
    );
  });

  it('reports a missing interpreter with the setting to change', async () => {
    const { outcome } = await run(python('def main(context):\n    return 1', { python: 'python-does-not-exist' }));
    expect(outcome.error).toContain("Could not start python task: 'python-does-not-exist' was not found");
    expect(outcome.error).toContain('dagstream.pythonPath');
  });

  it('times out and kills the subprocesses the code started', async () => {
    // 3 s: on a loaded machine Python needs over a second to start and write the pid file.
    const context = createTestRunContext({ executionTimeoutMs: 3000, killGraceMs: 300 });
    const pidFile = path.join(context.workspaceDir, 'pid');
    const code = `import subprocess, time\ndef main(context):\n    p = subprocess.Popen(["sleep", "100"])\n    open(${JSON.stringify(pidFile)}, "w").write(str(p.pid))\n    time.sleep(100)`;
    const { outcome } = await run(python(code), context);
    expect(outcome).toMatchObject({
      state: 'failed',
      timedOut: true,
      error: "Timed out after 3s (execution_timeout); the task's process tree was killed",
    });
    expect(isProcessAlive(Number(readFileSync(pidFile, 'utf8')), undefined)).toBe(false);
  });
});
