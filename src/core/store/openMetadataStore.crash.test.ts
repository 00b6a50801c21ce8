import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metadataPaths } from './metadataPaths';
import { openMetadataStore } from './openMetadataStore';

/**
 * Real crashes: a child process (run by tsx, like the CLI in development) writes to the store and
 * is killed with SIGKILL, so nothing of the store's shutdown runs. Then this process reopens it.
 */
// tsx's loader in the same process: its CLI would run the script in a grandchild that SIGKILL
// of the child does not reach.
const TSX_LOADER = pathToFileURL(path.resolve(__dirname, '../../../node_modules/tsx/dist/loader.mjs')).href;
const OPEN_STORE = path.resolve(__dirname, 'openMetadataStore.ts');

let workspace: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'dagstream-crash-'));
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(workspace, { recursive: true, force: true });
});

/** Starts `body` (TypeScript, with `openMetadataStore` and `workspace` in scope) in a child process. */
function startChild(body: string): {
  child: ChildProcess;
  lines: string[];
  /** Resolves once the child's output is fully read. */
  closed: Promise<void>;
  waitForLine: (test: (line: string) => boolean) => Promise<string>;
} {
  const script = path.join(workspace, 'child.ts');
  writeFileSync(
    script,
    `import { openMetadataStore } from ${JSON.stringify(OPEN_STORE)};\nconst workspace = ${JSON.stringify(workspace)};\nvoid (async () => {\n${body}\n})();\n`,
  );
  const child = spawn(process.execPath, ['--import', TSX_LOADER, script], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const lines: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let stderr = '';
  let buffered = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      for (const waiter of waiters.splice(0)) {
        if (waiter.test(line)) waiter.resolve(line);
        else waiters.push(waiter);
      }
    }
  });
  const waitForLine = (test: (line: string) => boolean): Promise<string> =>
    new Promise((resolve, reject) => {
      const found = lines.find(test);
      if (found !== undefined) return resolve(found);
      waiters.push({ test, resolve });
      child.once('exit', (code, signal) =>
        reject(new Error(`child exited (${code ?? signal}) before the expected output; stderr: ${stderr}`)),
      );
    });
  return { child, lines, closed, waitForLine };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('openMetadataStore survives SIGKILL', () => {
  it('keeps 1,000 task instances flushed by a process that is then killed', async () => {
    const { child, waitForLine } = startChild(`
      const store = await openMetadataStore({ workspaceDir: workspace });
      for (let i = 0; i < 1000; i++) {
        store.upsertTaskInstance({ dagId: 'crash', runId: 'r1', taskId: 't' + i, state: 'running', tryNumber: 1, maxTries: 2,
          operator: 'bash', pool: 'default_pool', poolSlots: 1, priorityWeight: 1, pid: 1000 + i, startDate: new Date().toISOString() });
      }
      store.flushJournal();
      console.log('flushed ' + process.pid);
      setInterval(() => undefined, 1000);
    `);
    // The process that wrote is the one killed (no wrapper process in between).
    expect(await waitForLine((line) => line.startsWith('flushed'))).toBe(`flushed ${child.pid}`);
    await killed(child);
    expect(child.signalCode).toBe('SIGKILL');

    const store = await openMetadataStore({ workspaceDir: workspace, checkpointIntervalMs: 0 });
    try {
      const running = store.listTaskInstancesByState(['running']);
      expect(running).toHaveLength(1000);
      expect(store.getTaskInstance('crash', 'r1', 't999')?.pid).toBe(1999);
    } finally {
      await store.close();
    }
    // Reopening replayed the journal into a fresh snapshot that sqlite3 reads.
    expect(
      execFileSync('sqlite3', [metadataPaths(workspace).database, 'select count(*) from task_instances'], { encoding: 'utf8' }).trim(),
    ).toBe('1000');
  });

  it('loses nothing a finished turn recorded when killed at an arbitrary moment, checkpoints included', async () => {
    // Every turn writes 50 task instances and reports the total once the turn's journal write is
    // done; checkpoints run every 500 entries, so the kill lands in all phases of one.
    const { child, lines, closed, waitForLine } = startChild(`
      const store = await openMetadataStore({ workspaceDir: workspace, checkpointEveryEntries: 500, checkpointIntervalMs: 20 });
      let n = 0;
      const turn = () => {
        for (let i = 0; i < 50; i++, n++) {
          store.upsertTaskInstance({ dagId: 'crash', runId: 'r' + (n % 7), taskId: 't' + n, state: 'success', tryNumber: 1, maxTries: 1,
            operator: 'empty', pool: 'default_pool', poolSlots: 1, priorityWeight: 1 });
          store.upsertTry({ dagId: 'crash', runId: 'r' + (n % 7), taskId: 't' + n, tryNumber: 1, state: 'success', startDate: 'x', logPath: 'l' });
        }
        store.flushJournal();
        console.log('total ' + n);
        setImmediate(turn);
      };
      turn();
    `);
    await waitForLine((line) => line.startsWith('total ') && Number(line.slice(6)) >= 20_000);
    await killed(child);
    await closed;
    const reported = Math.max(...lines.filter((line) => line.startsWith('total ')).map((line) => Number(line.slice(6))));

    const store = await openMetadataStore({ workspaceDir: workspace, checkpointIntervalMs: 0, onWarning: () => undefined });
    try {
      const instances = Array.from({ length: 7 }, (_, r) => store.listTaskInstances('crash', `r${r}`)).flat();
      const count = instances.length;
      expect(count).toBeGreaterThanOrEqual(reported);
      // Entries apply in order with no holes: exactly t0..t(count-1) exist.
      expect(new Set(instances.map((t) => t.taskId))).toEqual(new Set(Array.from({ length: count }, (_, n) => `t${n}`)));
      const tries = Array.from({ length: count }, (_, n) => store.listTries('crash', `r${n % 7}`, `t${n}`).length).reduce(
        (a, b) => a + b,
        0,
      );
      // A kill in the middle of the last write() can cut between a task instance and its try.
      expect(tries === count || tries === count - 1).toBe(true);
    } finally {
      await store.close();
    }
  });
});
