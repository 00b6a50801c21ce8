import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metadataPaths } from './metadataPaths';
import { openMetadataStore } from './openMetadataStore';
import { processStartToken } from './processIdentity';
import { acquireSchedulerLock, readSchedulerLock, SchedulerLockHeldError } from './schedulerLock';
import type { SchedulerLock, SchedulerLockHolder } from './schedulerLock';

const TSX_LOADER = pathToFileURL(path.resolve(__dirname, '../../../node_modules/tsx/dist/loader.mjs')).href;
const SCHEDULER_LOCK = path.resolve(__dirname, 'schedulerLock.ts');

let workspace: string;
const locks: SchedulerLock[] = [];
const children: ChildProcess[] = [];

beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'dagstream-lock-'));
});

afterEach(() => {
  for (const lock of locks.splice(0)) lock.release();
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(workspace, { recursive: true, force: true });
});

function acquire(): SchedulerLock {
  const lock = acquireSchedulerLock(workspace, { command: 'dagstream scheduler' });
  locks.push(lock);
  return lock;
}

/** A PID that belonged to a process which has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function writeLockFile(holder: Partial<SchedulerLockHolder>): void {
  const paths = metadataPaths(workspace);
  mkdirSync(paths.dir, { recursive: true });
  writeFileSync(
    paths.lock,
    JSON.stringify({ pid: 1, hostname: hostname(), startedAt: '2026-11-25T13:00:00.000Z', command: 'dagstream scheduler', ...holder }),
  );
}

/** Runs `body` in a child Node process (tsx loader) with `acquireSchedulerLock` and `workspace` in scope. */
function startChild(body: string): { child: ChildProcess; output: Promise<string>; waitFor: (text: string) => Promise<void> } {
  const script = path.join(workspace, `child-${children.length}.ts`);
  writeFileSync(
    script,
    `import { acquireSchedulerLock } from ${JSON.stringify(SCHEDULER_LOCK)};\nconst workspace = ${JSON.stringify(workspace)};\n${body}\n`,
  );
  const child = spawn(process.execPath, ['--import', TSX_LOADER, script], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const listeners: (() => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = new Promise<string>((resolve) => child.once('close', () => resolve(stdout + stderr)));
  const waitFor = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (stdout.includes(text)) resolve();
      };
      listeners.push(check);
      check();
      child.once('close', () => reject(new Error(`child ended before printing ${JSON.stringify(text)}: ${stdout}${stderr}`)));
    });
  return { child, output, waitFor };
}

describe('acquireSchedulerLock', () => {
  it('creates .dagstream/scheduler.lock with the holder, and release removes it', () => {
    const lock = acquire();
    const paths = metadataPaths(workspace);
    expect(lock.path).toBe(paths.lock);
    const content = JSON.parse(readFileSync(paths.lock, 'utf8')) as SchedulerLockHolder;
    expect(content).toEqual(lock.holder);
    expect(content).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'dagstream scheduler' });
    expect(new Date(content.startedAt).toISOString()).toBe(content.startedAt);
    if (process.platform === 'linux') expect(content.processToken).toBe(processStartToken(process.pid));
    expect(readSchedulerLock(workspace)).toEqual(lock.holder);
    expect(lock.isHeld()).toBe(true);
    lock.release();
    expect(existsSync(paths.lock)).toBe(false);
    expect(lock.isHeld()).toBe(false);
    expect(readSchedulerLock(workspace)).toBeUndefined();
    lock.release();
    // No temp files or markers left behind.
    expect(readdirSync(paths.dir)).toEqual([]);
  });

  it('refuses a second acquire in the same process, naming the holder', () => {
    const lock = acquire();
    expect(() => acquire()).toThrow(SchedulerLockHeldError);
    try {
      acquire();
    } catch (error) {
      expect(error).toBeInstanceOf(SchedulerLockHeldError);
      const held = error as SchedulerLockHeldError;
      expect(held.holder).toEqual(lock.holder);
      expect(held.message).toBe(
        `Another Dagstream scheduler (pid ${process.pid}, started ${lock.holder.startedAt.replace(/\.\d{3}Z$/, 'Z')} by "dagstream scheduler") holds ${lock.path}; stop it or use read-only commands`,
      );
    }
  });

  it('refuses while another process holds it, with that process id in the message', async () => {
    const { child, waitFor } = startChild(`
      const lock = acquireSchedulerLock(workspace, { command: 'dagstream scheduler' });
      console.log('locked ' + process.pid);
      process.on('SIGTERM', () => { lock.release(); console.log('released'); process.exit(0); });
      setInterval(() => undefined, 1000);
    `);
    await waitFor(`locked ${child.pid}`);
    expect(() => acquire()).toThrow(
      new RegExp(
        `^Another Dagstream scheduler \\(pid ${child.pid}, started \\S+Z by "dagstream scheduler"\\) holds .*scheduler\\.lock; stop it or use read-only commands$`,
      ),
    );
    expect(readSchedulerLock(workspace)?.pid).toBe(child.pid);
    // A writable metadata store refuses too; a read-only one opens.
    await expect(openMetadataStore({ workspaceDir: workspace })).rejects.toThrow(`pid ${child.pid}`);
    const reader = await openMetadataStore({ workspaceDir: workspace, readOnly: true });
    await reader.close();
    child.kill('SIGTERM');
    await waitFor('released');
    expect(acquire().holder.pid).toBe(process.pid);
  });

  it('takes over the lock of a scheduler that was killed', async () => {
    const { child, waitFor, output } = startChild(`
      acquireSchedulerLock(workspace, { command: 'dagstream scheduler' });
      console.log('locked');
      setInterval(() => undefined, 1000);
    `);
    await waitFor('locked');
    expect(readSchedulerLock(workspace)?.pid).toBe(child.pid);
    child.kill('SIGKILL');
    await output;
    expect(readSchedulerLock(workspace)).toBeUndefined();
    expect(acquire().holder.pid).toBe(process.pid);
    expect((JSON.parse(readFileSync(metadataPaths(workspace).lock, 'utf8')) as SchedulerLockHolder).pid).toBe(process.pid);
  });

  it('takes over a stale lock whose pid is dead', () => {
    writeLockFile({ pid: deadPid() });
    expect(readSchedulerLock(workspace)).toBeUndefined();
    expect(acquire().holder.pid).toBe(process.pid);
  });

  it('takes over a lock whose pid now belongs to another process (pid reuse)', () => {
    if (process.platform !== 'linux') return;
    writeLockFile({ pid: process.pid, processToken: '1@another-boot' });
    expect(acquire().holder.pid).toBe(process.pid);
  });

  it('takes over an unreadable lock only once it is old, since it may be one being written', () => {
    const paths = metadataPaths(workspace);
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.lock, '');
    expect(readSchedulerLock(workspace)).toBeUndefined();
    const old = new Date(Date.now() - 60_000);
    utimesSync(paths.lock, old, old);
    expect(acquire().holder.pid).toBe(process.pid);
  });

  it('treats a lock from another host as held, and says why it cannot check it', () => {
    writeLockFile({ pid: deadPid(), hostname: 'build-server-7' });
    expect(() => acquire()).toThrow(/pid \d+ on host "build-server-7".*cannot check a process on another machine/);
    expect(readSchedulerLock(workspace)?.hostname).toBe('build-server-7');
  });

  it('finishes the takeover of a process that died while taking over', () => {
    writeLockFile({ pid: deadPid() });
    const paths = metadataPaths(workspace);
    const marker = `${paths.lock}.takeover-${createHash('sha256').update(readFileSync(paths.lock, 'utf8')).digest('hex').slice(0, 16)}`;
    writeFileSync(
      marker,
      JSON.stringify({ pid: deadPid(), hostname: hostname(), startedAt: new Date().toISOString(), command: 'taking over' }),
    );
    expect(acquire().holder.pid).toBe(process.pid);
    expect(readdirSync(paths.dir)).toEqual(['scheduler.lock']);
  });

  it('waits for a live process that is taking over, then gives up with advice', () => {
    writeLockFile({ pid: deadPid() });
    const paths = metadataPaths(workspace);
    const marker = `${paths.lock}.takeover-${createHash('sha256').update(readFileSync(paths.lock, 'utf8')).digest('hex').slice(0, 16)}`;
    writeFileSync(
      marker,
      JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), command: 'taking over' }),
    );
    const started = Date.now();
    expect(() => acquire()).toThrow(/other processes kept creating or taking it over .* remove stray scheduler\.lock\.takeover-\* files/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  });

  it('release removes the lock only while it is still ours', () => {
    const lock = acquire();
    const paths = metadataPaths(workspace);
    // Someone judged us dead and took over: their lock must survive our release.
    const theirs = JSON.stringify({ pid: 999999, hostname: hostname(), startedAt: new Date().toISOString(), command: 'other' });
    writeFileSync(paths.lock, theirs);
    expect(lock.isHeld()).toBe(false);
    lock.release();
    expect(readFileSync(paths.lock, 'utf8')).toBe(theirs);
  });

  it('lets exactly one of many processes racing for a stale lock win', async () => {
    writeLockFile({ pid: deadPid() });
    const racers = Array.from({ length: 8 }, () =>
      startChild(`
        // Start together: wait for the go file, then race.
        const fs = require('node:fs');
        const go = workspace + '/go';
        console.log('ready');
        while (!fs.existsSync(go)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
        try {
          acquireSchedulerLock(workspace);
          console.log('won');
        } catch (error) {
          console.log(error.name === 'SchedulerLockHeldError' ? 'lost' : 'error ' + error.message);
        }
        // Stay alive so that the losers see a live holder.
        setTimeout(() => process.exit(0), 500);
      `),
    );
    await Promise.all(racers.map((racer) => racer.waitFor('ready')));
    writeFileSync(path.join(workspace, 'go'), '');
    const outputs = await Promise.all(racers.map((racer) => racer.output));
    const results = outputs.map((text) => text.replace('ready', '').trim());
    expect(results.filter((result) => result === 'won')).toHaveLength(1);
    expect(results.filter((result) => result === 'lost')).toHaveLength(7);
    expect(readdirSync(metadataPaths(workspace).dir).filter((name) => name !== 'scheduler.lock')).toEqual([]);
  });
});
