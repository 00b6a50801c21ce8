import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../dag/dagFile';
import { createTestRunContext, removeTestWorkspaces } from '../executor/createTestRunContext';
import { isProcessAlive } from '../executor/processTree';
import type { TaskRunContext } from '../executor/taskExecution';
import { bashOperator } from './bashOperator';
import { startTask } from './operatorRegistry';

function bash(bashCommand: string, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { task_id: 'task', operator: 'bash', bash_command: bashCommand, ...extra };
}

async function run(task: TaskSpec, context: TaskRunContext = createTestRunContext()) {
  const running = startTask(task, context);
  const outcome = await running.outcome;
  return { running, outcome, log: readFileSync(context.logFile, 'utf8'), context };
}

function readPids(file: string): number[] {
  return readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
}

afterAll(removeTestWorkspaces);

describe('bash operator', () => {
  it('succeeds with the last non-blank line of output as XCom, and logs like Airflow', async () => {
    const { running, outcome, log } = await run(bash('echo first; echo "second  "; echo; echo'));
    expect(running.pid).toBeGreaterThan(0);
    expect(running.processToken).toMatch(/^\d+$/);
    expect(outcome).toEqual({ state: 'success', exitCode: 0, xcom: 'second' });
    expect(log).toMatch(/\{dagstream\.bash\} INFO - Running command: \["bash","-c","echo first; /);
    expect(log).toContain('first\nsecond  \n');
    expect(log).toMatch(/INFO - Command exited with return code 0 after \d+ms\n/);
    expect(log).toContain('INFO - Task succeeded');
  });

  it('reads stdout and stderr as one output, in order, as Airflow does', async () => {
    // Airflow 2.10 gives "warning: disk almost full" here (test/airflow, bash_operator_semantics.stderr_last).
    const { outcome, log } = await run(bash("echo result; echo 'warning: disk almost full' >&2"));
    expect(outcome.xcom).toBe('warning: disk almost full');
    expect(log).toContain('Output:\nresult\nwarning: disk almost full\n');
    const interleaved = await run(bash('echo one; echo two >&2; echo three; echo four >&2; echo five'));
    expect(interleaved.log).toContain('one\ntwo\nthree\nfour\nfive\n');
    expect(interleaved.outcome.xcom).toBe('five');
  });

  it('pushes an empty XCom when nothing is printed, as Airflow does', async () => {
    expect((await run(bash('true'))).outcome).toEqual({ state: 'success', exitCode: 0, xcom: '' });
  });

  it('renders templates first and sets the AIRFLOW_CTX_* variables', async () => {
    const { outcome } = await run(
      bash(
        'echo "{{ ds }} {{ params.city }} $AIRFLOW_CTX_DAG_ID $AIRFLOW_CTX_TASK_ID $AIRFLOW_CTX_TRY_NUMBER $AIRFLOW_CTX_DAG_RUN_ID $AIRFLOW_CTX_LOGICAL_DATE"',
      ),
    );
    expect(outcome.xcom).toBe('2026-11-25 Lisbon weather task 1 manual__2026-11-25T13:00:00+00:00 2026-11-25T13:00:00+00:00');
  });

  it('pulls upstream XComs in templates', async () => {
    const context = createTestRunContext({ xcoms: { extract: { temp: 31.5 } } });
    const { outcome } = await run(bash('echo \'{{ ti.xcom_pull("extract") }}\''), context);
    expect(outcome.xcom).toBe('{"temp":31.5}');
  });

  it('follows Airflow for env: inherit by default, replace with env, add with append_env', async () => {
    process.env.DAGSTREAM_TEST_INHERITED = 'yes';
    try {
      const show = 'echo "${DAGSTREAM_TEST_INHERITED:-unset} ${CITY:-unset} $AIRFLOW_CTX_TASK_ID $(command -v ls)"';
      expect((await run(bash(show))).outcome.xcom).toMatch(/^yes unset task \/\S+\/ls$/);
      // Replaced: only env and the AIRFLOW_CTX_* variables; bash's default PATH still finds ls.
      expect((await run(bash(show, { env: { CITY: 'Porto' } }))).outcome.xcom).toMatch(/^unset Porto task \/\S+\/ls$/);
      expect((await run(bash(show, { env: { CITY: 'Porto' }, append_env: true }))).outcome.xcom).toMatch(/^yes Porto task /);
    } finally {
      delete process.env.DAGSTREAM_TEST_INHERITED;
    }
  });

  it('runs in cwd relative to the workspace, and fails clearly when it does not exist', async () => {
    const context = createTestRunContext();
    mkdirSync(path.join(context.workspaceDir, 'scripts'));
    expect((await run(bash('pwd'), context)).outcome.xcom).toBe(context.workspaceDir);
    expect((await run(bash('pwd', { cwd: 'scripts' }), context)).outcome.xcom).toBe(path.join(context.workspaceDir, 'scripts'));
    const missing = await run(bash('pwd', { cwd: 'nope' }), context);
    expect(missing.outcome.state).toBe('failed');
    expect(missing.outcome.error).toContain('The working directory "nope"');
    expect(missing.log).toContain('Task failed before it started: The working directory "nope"');
  });

  it('skips on exit code 99 or the codes in skip_on_exit_code, fails on others', async () => {
    expect((await run(bash('exit 99'))).outcome).toEqual({
      state: 'skipped',
      exitCode: 99,
      message: 'Bash command exited with code 99 (skip_on_exit_code)',
    });
    expect((await run(bash('exit 3', { skip_on_exit_code: [3, 4] }))).outcome.state).toBe('skipped');
    expect((await run(bash('exit 99', { skip_on_exit_code: null }))).outcome).toEqual({
      state: 'failed',
      exitCode: 99,
      error: 'Bash command failed: exit code 99',
    });
    const failed = await run(bash('echo partial; exit 3'));
    expect(failed.outcome).toEqual({ state: 'failed', exitCode: 3, error: 'Bash command failed: exit code 3' });
    expect(failed.log).toContain('Command exited with return code 3');
    expect(failed.log).toContain('ERROR - Task failed: Bash command failed: exit code 3');
  });

  it('times out: kills the whole process tree, grandchildren included', async () => {
    const context = createTestRunContext({ executionTimeoutMs: 500, killGraceMs: 300 });
    const pidFile = path.join(context.workspaceDir, 'pids');
    const started = Date.now();
    const { outcome, log } = await run(
      bash(`sleep 100 & echo $! > ${pidFile}; bash -c 'sleep 100 & wait' & echo $! >> ${pidFile}; wait`),
      context,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(outcome).toMatchObject({
      state: 'failed',
      timedOut: true,
      error: "Timed out after 500ms (execution_timeout); the task's process tree was killed",
    });
    expect(log).toContain('WARNING - Timed out after 500ms (execution_timeout); stopping the process tree');
    for (const pid of readPids(pidFile)) expect(isProcessAlive(pid, undefined)).toBe(false);
  });

  it('kill() stops the tree and fails the try with the reason', async () => {
    const context = createTestRunContext({ killGraceMs: 300 });
    const pidFile = path.join(context.workspaceDir, 'pids');
    const running = startTask(bash(`sleep 100 & echo $! > ${pidFile}; wait`), context);
    await new Promise((resolve) => setTimeout(resolve, 200));
    running.kill('Killed: the run was cancelled');
    running.kill('a second kill is ignored');
    const outcome = await running.outcome;
    expect(outcome).toMatchObject({ state: 'failed', error: 'Killed: the run was cancelled' });
    expect(outcome.timedOut).toBeUndefined();
    for (const pid of readPids(pidFile)) expect(isProcessAlive(pid, undefined)).toBe(false);
  });

  it('kills background processes the command leaves behind before reporting', async () => {
    const context = createTestRunContext({ killGraceMs: 300 });
    const pidFile = path.join(context.workspaceDir, 'pids');
    const { outcome } = await run(bash(`sleep 100 & echo $! > ${pidFile}; echo done`), context);
    expect(outcome).toEqual({ state: 'success', exitCode: 0, xcom: 'done' });
    for (const pid of readPids(pidFile)) expect(isProcessAlive(pid, undefined)).toBe(false);
  });

  it('streams large output to the log and keeps only the last line', async () => {
    const { outcome, log } = await run(bash('head -c 20000000 /dev/zero | tr "\\0" "x" | fold -w 100; printf "\\nlast line"'));
    expect(outcome.xcom).toBe('last line');
    expect(log.length).toBeGreaterThan(20_000_000);
  });

  it('reports a missing interpreter', async () => {
    const context = createTestRunContext({ interpreters: { bash: '/nonexistent/bash' } });
    const { outcome } = await run(bash('true'), context);
    expect(outcome.state).toBe('failed');
    expect(outcome.error).toContain("Could not start bash task: '/nonexistent/bash' was not found");
  });

  it('fails before starting on invalid arguments', async () => {
    const context = createTestRunContext();
    const outcome = await bashOperator.start({ task_id: 'task', operator: 'bash', bash_command: '' }, context).outcome;
    expect(outcome).toEqual({ state: 'failed', error: 'Task "task": argument "bash_command" is required and must be a non-empty string.' });
  });
});
