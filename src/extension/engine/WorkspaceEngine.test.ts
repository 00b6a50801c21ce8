import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskInstanceRecord } from '../../core/store/metadataRecords';
import { WorkspaceEngine } from './WorkspaceEngine';

const DAG = {
  version: 1,
  dag_id: 'bash_pair',
  schedule: null,
  params: { greeting: { type: 'string', default: 'hello' } },
  tasks: [
    { task_id: 'say', operator: 'bash', bash_command: 'echo "{{ params.greeting }}"' },
    { task_id: 'after', operator: 'bash', upstream: ['say'], bash_command: 'echo done' },
  ],
};

const opened: WorkspaceEngine[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const engine of opened.splice(0).reverse()) await engine.close(0);
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dagstream-workspace-engine-'));
  dirs.push(dir);
  await writeFile(path.join(dir, 'pair.dag.json'), JSON.stringify(DAG, null, 2));
  return dir;
}

function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const value = check();
      if (value !== undefined) resolve(value);
      else if (Date.now() > deadline) reject(new Error(`Timed out waiting for ${what}`));
      else setTimeout(poll, 25);
    };
    poll();
  });
}

describe('WorkspaceEngine', () => {
  it('runs a triggered DAG in this process and reports every task state change', async () => {
    const dir = await workspace();
    const engine = await WorkspaceEngine.open(dir);
    opened.push(engine);
    expect(engine.mode).toBe('local');
    const seen: TaskInstanceRecord[] = [];
    engine.on('taskInstance', (ti) => seen.push(ti));
    const response = await engine.request({ kind: 'trigger', dagId: 'bash_pair', params: { greeting: 'hi' } });
    expect(response.ok).toBe(true);
    const runId = response.ok ? response.runs?.[0]?.runId : undefined;
    expect(runId).toBeDefined();
    await waitFor('the run to succeed', () => (engine.store.getRun('bash_pair', runId ?? '')?.state === 'success' ? true : undefined));
    const after = seen.filter((ti) => ti.taskId === 'after').map((ti) => ti.state);
    expect(after).toContain('running');
    expect(after.at(-1)).toBe('success');
    expect(engine.store.getXCom('bash_pair', runId ?? '', 'say')?.value).toBe('hi');
  });

  it('attaches to the scheduler that holds the lock: reads its runs and sends it requests through the inbox', async () => {
    const dir = await workspace();
    const holder = await WorkspaceEngine.open(dir);
    opened.push(holder);
    const watcher = await WorkspaceEngine.open(dir);
    opened.push(watcher);
    expect(watcher.mode).toBe('remote');
    expect(watcher.detail).toContain('another process');
    const seen: TaskInstanceRecord[] = [];
    watcher.on('taskInstance', (ti) => seen.push(ti));

    const paused = await watcher.request({ kind: 'pause', dagId: 'bash_pair', paused: true });
    expect(paused).toMatchObject({ ok: true });
    expect(holder.isPaused('bash_pair')).toBe(true);
    await watcher.request({ kind: 'pause', dagId: 'bash_pair', paused: false });

    const response = await watcher.request({ kind: 'trigger', dagId: 'bash_pair', params: {} });
    expect(response.ok).toBe(true);
    const runId = response.ok ? (response.runs?.[0]?.runId ?? '') : '';
    await waitFor('the watcher to see the run succeed', () => {
      watcher.store.reload();
      return watcher.store.getRun('bash_pair', runId)?.state === 'success' ? true : undefined;
    });
    await waitFor('the watcher to report the last task success', () =>
      seen.some((ti) => ti.taskId === 'after' && ti.state === 'success') ? true : undefined,
    );
    expect(watcher.explain('bash_pair', runId, 'after').join(' ')).toContain('success');
  });
});
