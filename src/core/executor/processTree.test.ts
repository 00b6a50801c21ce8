import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isProcessAlive,
  isProcessGroupAlive,
  killOrphanedProcessGroup,
  killProcessGroup,
  listProcessGroupPids,
  readProcessToken,
  spawnProcessGroup,
} from './processTree';

const started: number[] = [];

function startGroup(script: string): ChildProcess & { pid: number } {
  const child = spawnProcessGroup('bash', ['-c', script], { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('bash did not start');
  started.push(child.pid);
  return child as ChildProcess & { pid: number };
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

afterEach(async () => {
  // Never leave sleeping processes behind, whatever a test did.
  await Promise.all(started.splice(0).map((pgid) => killProcessGroup(pgid, 0)));
});

describe('processTree', () => {
  it.runIf(process.platform === 'linux')('kills a whole process group, grandchildren included', async () => {
    const child = startGroup('sleep 100 & sleep 100 & wait');
    await waitFor(() => listProcessGroupPids(child.pid).length === 3);
    const pids = listProcessGroupPids(child.pid);
    const grandchildren = pids.filter((pid) => pid !== child.pid);
    expect(grandchildren).toHaveLength(2);
    const tokens = new Map(pids.map((pid) => [pid, readProcessToken(pid)]));
    const exited = new Promise((resolve) => child.once('exit', resolve));

    expect(await killProcessGroup(child.pid, 2000)).toBe(true);

    expect(isProcessGroupAlive(child.pid)).toBe(false);
    for (const pid of pids) expect(isProcessAlive(pid, tokens.get(pid))).toBe(false);
    // Once the zombies are reaped (the leader by Node, the sleeps by init), the kernel agrees.
    await exited;
    await waitFor(() => {
      try {
        process.kill(-child.pid, 0);
        return false;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ESRCH';
      }
    });
  });

  it.runIf(process.platform === 'linux')('escalates to SIGKILL when the group ignores SIGTERM', async () => {
    const child = startGroup('trap "" TERM; sleep 100 & wait');
    await waitFor(() => listProcessGroupPids(child.pid).length === 2);
    const started = Date.now();
    expect(await killProcessGroup(child.pid, 300)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(isProcessGroupAlive(child.pid)).toBe(false);
  });

  it('resolves at once for a group that is already gone', async () => {
    const child = startGroup('exit 0');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await killProcessGroup(child.pid, 5000)).toBe(true);
  });

  it.runIf(process.platform === 'linux')('identifies a process by pid and start-time token', () => {
    const token = readProcessToken(process.pid);
    expect(token).toMatch(/^\d+$/);
    expect(isProcessAlive(process.pid, token)).toBe(true);
    expect(isProcessAlive(process.pid, `${token}1`)).toBe(false);
    expect(readProcessToken(2 ** 22 + 7)).toBeUndefined();
    expect(isProcessAlive(2 ** 22 + 7, token)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('kills the orphans of a task whose leader died, but not a reused pid', async () => {
    const child = startGroup('sleep 100 & sleep 100 & wait');
    await waitFor(() => listProcessGroupPids(child.pid).length === 3);
    const token = readProcessToken(child.pid);
    // A pid whose token differs is someone else's process: left alone.
    expect(await killOrphanedProcessGroup(child.pid, `${token}9`, 100)).toBe(0);
    expect(listProcessGroupPids(child.pid)).toHaveLength(3);

    // The engine crashed and the leader died: its sleeps are orphans in the group.
    process.kill(child.pid, 'SIGKILL');
    await waitFor(() => listProcessGroupPids(child.pid).length === 2);
    expect(isProcessAlive(child.pid, token)).toBe(false);
    expect(await killOrphanedProcessGroup(child.pid, token, 1000)).toBe(2);
    await waitFor(() => !isProcessGroupAlive(child.pid));
  });
});
