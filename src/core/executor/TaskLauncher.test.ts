import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LaunchExit, LaunchRequest } from './processLauncher';
import { isProcessAlive, readProcessToken } from './processTree';
import { TaskLauncher } from './TaskLauncher';

type Result = { pid: number; token: string | undefined; exit: LaunchExit } | { error: NodeJS.ErrnoException };

/** Launches one process and resolves with what the listener heard; `onSpawned` runs when its pid is known. */
function launch(launcher: TaskLauncher, request: LaunchRequest, onSpawned?: (pid: number) => void): Promise<Result> {
  return new Promise((resolve, reject) => {
    let spawned: { pid: number; token: string | undefined } | undefined;
    launcher.launch(request, {
      spawned: (pid, token) => {
        if (spawned) reject(new Error('spawned twice'));
        spawned = { pid, token };
        onSpawned?.(pid);
      },
      failed: (error) => (spawned ? reject(new Error('failed after spawning')) : resolve({ error })),
      exited: (exit) => (spawned ? resolve({ ...spawned, exit }) : reject(new Error('exited before spawning'))),
    });
  });
}

async function request(script: string, extra: Partial<LaunchRequest> = {}): Promise<LaunchRequest> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dagstream-launcher-'));
  return {
    command: 'bash',
    args: ['-c', script],
    cwd: dir,
    env: { ...process.env, GREETING: 'hello' },
    logFile: path.join(dir, 'try.log'),
    ...extra,
  };
}

describe('TaskLauncher', () => {
  it('starts the process in its own group with its output appended to the log, and reports its pid, identity and exit code', async () => {
    const launcher = new TaskLauncher();
    const req = await request('sleep 0.2; echo "$GREETING from $PWD"; echo oops >&2; exit 3');
    await writeFile(req.logFile, 'header\n');
    const result = await launch(launcher, req, (pid) => {
      // The process leads its own group: its group id is its pid.
      expect(spawnSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim()).toBe(String(pid));
    });
    if ('error' in result) throw result.error;
    expect(result.exit).toEqual({ code: 3, signal: null });
    expect(result.token).toMatch(/^\d+$/);
    expect(await readFile(req.logFile, 'utf8')).toBe(`header\nhello from ${req.cwd}\noops\n`);
    expect(launcher.fallback).toBeUndefined();
  });

  it('reports the identity the process had, so that a reused pid is never taken for it', async () => {
    const launcher = new TaskLauncher();
    const req = await request('sleep 0.3');
    let token: string | undefined;
    const result = await launch(launcher, req, (pid) => (token = readProcessToken(pid)));
    if ('error' in result) throw result.error;
    expect(result.token).toBe(token);
    expect(isProcessAlive(result.pid, result.token)).toBe(false);
  });

  it('reports a signal that killed the process', async () => {
    const launcher = new TaskLauncher();
    const result = await launch(launcher, await request('kill -TERM $$'));
    if ('error' in result) throw result.error;
    expect(result.exit).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('fails a start with the system error: unknown command, missing working directory, unwritable log', async () => {
    const launcher = new TaskLauncher();
    const missingCommand = await launch(launcher, { ...(await request('true')), command: 'dagstream-no-such-command' });
    expect(missingCommand).toMatchObject({ error: { code: 'ENOENT' } });
    const missingCwd = await launch(launcher, { ...(await request('true')), cwd: '/nonexistent/dagstream' });
    expect(missingCwd).toMatchObject({ error: { code: 'ENOENT' } });
    const badLog = await launch(launcher, { ...(await request('true')), logFile: '/nonexistent/dagstream/try.log' });
    expect(badLog).toMatchObject({ error: { code: 'ENOENT' } });
    // The launcher survives all three.
    const ok = await launch(launcher, await request('true'));
    expect(ok).toMatchObject({ exit: { code: 0 } });
  });

  it('runs many processes at once and tells their ends apart', async () => {
    const launcher = new TaskLauncher();
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => launch(launcher, await request(`sleep 0.0${i % 5}; exit ${i}`))),
    );
    expect(results.map((r) => ('exit' in r ? r.exit.code : 'failed'))).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('ignores Ctrl+C (SIGINT to the foreground group) so that the engine still hears its tasks end', async () => {
    const launcher = new TaskLauncher();
    const result = await launch(launcher, await request('sleep 0.3; exit 4'), () => process.kill(launcher.pid!, 'SIGINT'));
    expect(result).toMatchObject({ exit: { code: 4, signal: null } });
  });

  it('when the launcher dies: a running task ends once its group is gone, with the reason, and the next task gets a new launcher', async () => {
    const launcher = new TaskLauncher();
    const first = await launch(launcher, await request('true'));
    expect(first).toMatchObject({ exit: { code: 0 } });
    const launcherPid = launcher.pid!;
    const running = launch(launcher, await request('sleep 0.5'), () => process.kill(launcherPid, 'SIGKILL'));
    const result = await running;
    if ('error' in result) throw result.error;
    expect(result.exit.code).toBeNull();
    expect(result.exit.lost).toMatch(new RegExp(`task launcher \\(pid ${launcherPid}\\) was killed by SIGKILL while the task ran`));
    expect(isProcessAlive(result.pid, result.token)).toBe(false);

    const next = await launch(launcher, await request('exit 0'));
    expect(next).toMatchObject({ exit: { code: 0 } });
    expect(launcher.pid).not.toBe(launcherPid);
  });

  it('starts tasks in-process when Node cannot be started, and says why', async () => {
    const launcher = new TaskLauncher('/nonexistent/node');
    const result = await launch(launcher, await request('echo fine'));
    expect(result).toMatchObject({ exit: { code: 0 } });
    expect(launcher.fallback).toMatch(/could not be started with \/nonexistent\/node/);
  });

  it('never keeps the engine alive on its own: a process that used it exits when its work is done', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagstream-launcher-'));
    const script = path.join(dir, 'engine.ts');
    await writeFile(
      script,
      [
        `import { TaskLauncher } from ${JSON.stringify(path.join(__dirname, 'TaskLauncher'))};`,
        `new TaskLauncher().launch(`,
        `  { command: 'bash', args: ['-c', 'sleep 0.2; echo done'], cwd: ${JSON.stringify(dir)}, env: process.env, logFile: ${JSON.stringify(path.join(dir, 'try.log'))} },`,
        `  { spawned: () => undefined, failed: (e) => console.log('failed', e.message), exited: (exit) => console.log('exited', exit.code) },`,
        `);`,
      ].join('\n'),
    );
    const started = Date.now();
    const engine = spawnSync(process.execPath, [require.resolve('tsx/cli'), script], { encoding: 'utf8', timeout: 20_000 });
    expect(engine.stdout.trim()).toBe('exited 0');
    expect(engine.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await readFile(path.join(dir, 'try.log'), 'utf8')).toBe('done\n');
  });
});
