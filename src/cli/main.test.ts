import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The `dagstream` command line end to end: real bash, python3 and node tasks in child processes,
 * real metadata files, and a real scheduler process killed with SIGKILL and restarted.
 */
const ROOT = path.resolve(__dirname, '../..');
const TSX = require.resolve('tsx/cli');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

function dagstream(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [TSX, MAIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function workspaceWith(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dagstream-cli-'));
  for (const [name, content] of Object.entries(files))
    await writeFile(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return dir;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface RunJson {
  dag_id: string;
  run_id: string;
  state: string;
  tasks: Record<string, { state: string; try_number: number; xcom: unknown; duration_ms: number | null }>;
}

describe('dagstream test', () => {
  it('runs bash, python and TypeScript tasks and prints the run as JSON', async () => {
    const dir = await workspaceWith({
      'pipeline.dag.json': {
        version: 1,
        dag_id: 'pipeline',
        schedule: null,
        params: { city: { type: 'string', default: 'Lisbon' } },
        tasks: [
          { task_id: 'extract', operator: 'bash', bash_command: 'echo "{{ params.city }}"' },
          {
            task_id: 'transform',
            operator: 'python',
            upstream: ['extract'],
            code: "def main(context):\n    return {'city': context['params']['city'], 'ds': context['ds']}\n",
          },
          {
            task_id: 'load',
            operator: 'node',
            language: 'typescript',
            upstream: ['transform'],
            code: 'export default async function (context: { params: { city: string } }): Promise<string> {\n  const n: number = 2;\n  return `${context.params.city} x${n}`;\n}\n',
          },
        ],
      },
    });
    const result = dagstream(['test', 'pipeline.dag.json', '--json', '--param', 'city=Porto'], dir);
    expect(result.stderr).toContain('extract');
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout.trim().split('\n').pop()!) as RunJson;
    expect(run).toMatchObject({ dag_id: 'pipeline', state: 'success' });
    expect(run.tasks.extract).toMatchObject({ state: 'success', try_number: 1, xcom: 'Porto' });
    expect(run.tasks.transform?.xcom).toMatchObject({ city: 'Porto' });
    expect(run.tasks.load?.xcom).toBe('Porto x2');
    expect(existsSync(path.join(dir, '.dagstream', 'metadata.sqlite'))).toBe(true);

    const logs = dagstream(['logs', 'pipeline', run.run_id, 'extract'], dir);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('Porto');

    const runs = dagstream(['runs', 'pipeline', '--json'], dir);
    expect((JSON.parse(runs.stdout) as RunJson[])[0]?.run_id).toBe(run.run_id);
  });

  it('exits 1 with the failing task, its retries and upstream_failed downstream', async () => {
    const dir = await workspaceWith({
      'fails.dag.json': {
        version: 1,
        dag_id: 'fails',
        schedule: null,
        tasks: [
          { task_id: 'boom', operator: 'bash', bash_command: 'echo about to fail; exit 3', retries: 1, retry_delay: '0s' },
          { task_id: 'after', operator: 'bash', bash_command: 'echo never', upstream: ['boom'] },
          { task_id: 'skipper', operator: 'bash', bash_command: 'exit 99' },
        ],
      },
    });
    const result = dagstream(['test', 'fails.dag.json', '--json'], dir);
    expect(result.code).toBe(1);
    const run = JSON.parse(result.stdout.trim().split('\n').pop()!) as RunJson;
    expect(run.state).toBe('failed');
    expect(run.tasks.boom).toMatchObject({ state: 'failed', try_number: 2 });
    expect(run.tasks.after?.state).toBe('upstream_failed');
    expect(run.tasks.skipper?.state).toBe('skipped');
  });

  it('refuses invalid params and invalid DAG files with clear messages', async () => {
    const dir = await workspaceWith({
      'p.dag.json': {
        version: 1,
        dag_id: 'p',
        schedule: null,
        params: { n: { type: 'integer', minimum: 1, default: 1 } },
        tasks: [{ task_id: 'a', operator: 'empty' }],
      },
      'bad.dag.json': '{ "version": 1, "dag_id": "bad", "tasks": [ { "task_id": "a", "operator": "empty", "upstream": ["a"] } ] }',
    });
    const params = dagstream(['test', 'p.dag.json', '--param', 'n=0'], dir);
    expect(params.code).toBe(1);
    expect(params.stderr).toMatch(/Param "n" = 0 is invalid/);
    const bad = dagstream(['test', 'bad.dag.json'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.dag\.json:1:\d+: error: .*itself/);
  });
});

describe('dagstream scheduler', () => {
  it('survives SIGKILL: the restarted scheduler kills the orphaned task tree, retries it, and never re-runs finished tasks', async () => {
    const dir = await workspaceWith({
      'crash.dag.json': {
        version: 1,
        dag_id: 'crash',
        schedule: null,
        tasks: [
          { task_id: 'first', operator: 'bash', bash_command: 'echo first' },
          {
            task_id: 'slow',
            operator: 'bash',
            upstream: ['first'],
            retries: 1,
            retry_delay: '0s',
            // The first try records its pid and hangs; the retry finds the marker and succeeds.
            bash_command:
              'if [ -f "$PWD/marker" ]; then echo recovered; else touch "$PWD/marker"; echo $$ > "$PWD/slow.pid"; sleep 300; fi',
          },
        ],
      },
    });
    const start = () => {
      const child = spawn(process.execPath, [TSX, MAIN, 'scheduler', '--workspace', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      logs.push(() => output);
      return { child, output: () => output };
    };
    const logs: (() => string)[] = [];
    const waitFor = async (predicate: () => boolean, what: string, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline)
          throw new Error(`Timed out waiting for ${what}; scheduler output:\n${logs.map((l) => l()).join('\n---\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const first = start();
    await waitFor(() => first.output().includes('scheduler started'), 'the first scheduler to start');
    const trigger = dagstream(['trigger', 'crash.dag.json'], dir);
    expect(trigger.code, trigger.stderr).toBe(0);
    const runId = /Queued run (\S+)/.exec(trigger.stdout)?.[1];
    expect(runId).toBeDefined();
    await waitFor(() => existsSync(path.join(dir, 'slow.pid')), 'the slow task to start');
    const orphanPid = Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8'));
    // tsx runs the CLI in a child process: kill the real scheduler, the lock holder, by its pid.
    const schedulerPid = (JSON.parse(readFileSync(path.join(dir, '.dagstream', 'scheduler.lock'), 'utf8')) as { pid: number }).pid;
    process.kill(schedulerPid, 'SIGKILL');
    await waitFor(() => !isAlive(schedulerPid), 'the scheduler to die');
    first.child.kill('SIGKILL');
    expect(isAlive(orphanPid)).toBe(true);

    const second = start();
    await waitFor(() => second.output().includes(`${runId}  run success`), 'the run to succeed after restart', 60_000);
    expect(second.output()).toMatch(/Recovered crash\/\S+\/slow try 1: up for retry/);
    expect(isAlive(orphanPid)).toBe(false);
    const secondPid = (JSON.parse(readFileSync(path.join(dir, '.dagstream', 'scheduler.lock'), 'utf8')) as { pid: number }).pid;
    process.kill(secondPid, 'SIGTERM');
    await waitFor(() => second.output().includes('scheduler stopped'), 'the scheduler to stop on SIGTERM');
    expect(second.output()).toContain('scheduler stopped');

    const runs = JSON.parse(dagstream(['runs', 'crash', '--json'], dir).stdout) as RunJson[];
    expect(runs[0]).toMatchObject({ run_id: runId, state: 'success' });
    expect(runs[0]?.tasks.first).toMatchObject({ state: 'success', try_number: 1 });
    expect(runs[0]?.tasks.slow).toMatchObject({ state: 'success', try_number: 2, xcom: 'recovered' });
  }, 120_000);

  it('lets only one scheduler hold a workspace', async () => {
    const dir = await workspaceWith({
      'a.dag.json': { version: 1, dag_id: 'a', schedule: null, tasks: [{ task_id: 't', operator: 'empty' }] },
    });
    const child = spawn(process.execPath, [TSX, MAIN, 'scheduler', '--workspace', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    while (!output.includes('scheduler started') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const second = dagstream(['scheduler', '--workspace', dir], dir);
    expect(second.code).not.toBe(0);
    const holder = (JSON.parse(readFileSync(path.join(dir, '.dagstream', 'scheduler.lock'), 'utf8')) as { pid: number }).pid;
    expect(second.stderr).toContain(`Another Dagstream scheduler (pid ${holder}`);
    process.kill(holder, 'SIGTERM');
  }, 60_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}
