import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWithSqliteWorker } from './bundleWithSqliteWorker';
import { openSqliteDatabase } from './openSqliteDatabase';
import { ROWS_PER_BATCH } from './runCheckpointingWriter';

const root = mkdtempSync(path.join(tmpdir(), 'dagstream-sqlite-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * The writer runs as built for dist/ (bundle + worker bundle + wasm): it starts in a fraction of
 * the time tsx takes, so more kills fit in the test's time, and it is the code users run.
 */
let writer: string;
beforeAll(async () => {
  writer = await bundleWithSqliteWorker(path.join(__dirname, 'runCheckpointingWriter.ts'), path.join(root, 'dist'));
}, 60_000);
const LANES = 6;
const KILLS_PER_LANE = 9;

interface KillReport {
  /** Checkpoints the writer had finished when it was killed, and the one it had started. */
  saved: number;
  saving: number;
  /** True when the kill landed between "saving k" and "saved k": in the middle of a snapshot. */
  midCheckpoint: boolean;
}

/** Starts the writer on `file`, lets it run a random while after its first checkpoint, kills it with SIGKILL. */
function runAndKill(file: string, random: () => number): Promise<KillReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let saved = -1;
    let saving = -1;
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        const match = /^(saving|saved) (\d+)$/.exec(line);
        if (!match) continue;
        if (match[1] === 'saving') saving = Number(match[2]);
        else saved = Number(match[2]);
        // Wait for a first full cycle (the process and its worker are up), then kill at a random moment.
        killTimer ??= setTimeout(() => child.kill('SIGKILL'), Math.floor(random() * 400));
      }
    });
    child.once('error', reject);
    // 'close', not 'exit': every line the writer printed before dying has been read by then.
    child.once('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      if (signal !== 'SIGKILL') reject(new Error(`The writer ended by itself (code ${code}): ${stderr}`));
      else resolve({ saved, saving, midCheckpoint: saving > saved });
    });
  });
}

function sqlite3(file: string, sql: string): string {
  return execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim();
}

/** Which checkpoint the file holds, after checking that it holds exactly one. */
function checkpointInFile(file: string): number {
  expect(sqlite3(file, 'PRAGMA integrity_check')).toBe('ok');
  const row = sqlite3(
    file,
    "SELECT (SELECT batch FROM meta), count(*), count(DISTINCT batch), coalesce(min(batch), 1), coalesce(max(batch), 0), coalesce(sum(v <> 'batch ' || batch || ' row ' || i), 0) FROM rows",
  );
  const [batch, rows, batches, minBatch, maxBatch, wrongValues] = row.split('|').map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Batches 1..k, each complete, and meta saying k: exactly the state after checkpoint k.
  expect({ rows, batches, minBatch, maxBatch, wrongValues }, row).toEqual({
    rows: batch * ROWS_PER_BATCH,
    batches: batch,
    minBatch: 1,
    maxBatch: batch,
    wrongValues: 0,
  });
  return batch;
}

/** A small deterministic generator (mulberry32), so that a failing run can be replayed from its seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('checkpoints under SIGKILL', () => {
  it(`leaves a file that opens, passes integrity_check and holds one checkpoint, at ${LANES * KILLS_PER_LANE} random kills`, async () => {
    const seed = Number(process.env.DAGSTREAM_CRASH_SEED ?? Date.now() % 1_000_000);
    const random = seeded(seed);
    const reports = await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        const file = path.join(root, `lane-${lane}.db`);
        const lanesReports: KillReport[] = [];
        let previous = 0;
        for (let kill = 0; kill < KILLS_PER_LANE; kill++) {
          const report = await runAndKill(file, random);
          const held = checkpointInFile(file);
          // The file holds the last finished checkpoint, or the one being written when the kill came; never less, never a mix.
          // (A writer killed before its first save of its own leaves what the previous writer saved.)
          const lastSaved = report.saved >= 0 ? report.saved : previous;
          expect([lastSaved, report.saving], `seed ${seed}, lane ${lane}, kill ${kill}: ${JSON.stringify(report)}`).toContain(held);
          expect(held).toBeGreaterThanOrEqual(previous);
          previous = held;
          lanesReports.push(report);
        }
        // Dagstream opens it too, and clears the temp files the kills left behind.
        const db = await openSqliteDatabase(file, { runIn: 'thread' });
        expect((await db.query('SELECT batch FROM meta')).rows).toEqual([[previous]]);
        await db.close();
        expect(readdirSync(root).filter((name) => name.startsWith(`lane-${lane}.db.tmp-`))).toEqual([]);
        expect(existsSync(`${file}-journal`)).toBe(false);
        return lanesReports;
      }),
    );
    const all = reports.flat();
    const midCheckpoint = all.filter((r) => r.midCheckpoint).length;
    process.stdout.write(`checkpoint crash test: seed ${seed}, ${all.length} kills, ${midCheckpoint} in the middle of a snapshot\n`);
    expect(all.length).toBeGreaterThanOrEqual(50);
    // The test is only worth something if many kills hit a snapshot being written.
    expect(midCheckpoint).toBeGreaterThanOrEqual(10);
  }, 300_000);
});
