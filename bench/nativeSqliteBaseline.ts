import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { codeServerCacheDir } from '../scripts/codeServer/installCodeServer';

/** A Node that has `node:sqlite` (22.13+ without a flag), and why this one was picked. */
export interface NativeSqliteNode {
  node: string;
  version: string;
  /** Where it came from, for the report: nothing is picked silently. */
  source: string;
}

/**
 * The native baseline runs in a child process of a Node that has `node:sqlite` (SQLite compiled
 * in, the same engine sql.js compiles to WebAssembly). Dagstream's own Node (20) has none, and
 * a native npm module (better-sqlite3) would have to compile from source on every install of
 * the project for one benchmark figure. Looked for, in order: $DAGSTREAM_NATIVE_NODE, the `node`
 * on PATH, and the Node 24 that `npm run test:vscode` installs for code-server.
 */
export function findNativeSqliteNode(): NativeSqliteNode | undefined {
  const candidates: { node: string; source: string }[] = [];
  if (process.env.DAGSTREAM_NATIVE_NODE) candidates.push({ node: process.env.DAGSTREAM_NATIVE_NODE, source: '$DAGSTREAM_NATIVE_NODE' });
  candidates.push({ node: 'node', source: 'node on PATH' });
  const marker = path.join(codeServerCacheDir(), 'install-complete.json');
  if (existsSync(marker)) {
    const nodeBin = (JSON.parse(readFileSync(marker, 'utf8')) as { nodeBin?: string }).nodeBin;
    if (nodeBin) candidates.push({ node: nodeBin, source: `code-server's Node (${marker}); set DAGSTREAM_NATIVE_NODE to use another` });
  }
  for (const candidate of candidates) {
    const probe = spawnSync(candidate.node, ['-e', "require('node:sqlite'); process.stdout.write(process.version)"], { encoding: 'utf8' });
    if (probe.status === 0) return { ...candidate, version: probe.stdout.trim() };
  }
  return undefined;
}

/**
 * The same workload as the suite's own insert run, on native SQLite in memory: a prepared
 * 5-column INSERT, `batch`-row transactions, `rows` rows. Kept in step with `benchRow` by hand.
 */
const NATIVE_INSERT = `
const { DatabaseSync } = require('node:sqlite');
const [rows, batch] = process.argv.slice(1).map(Number);
const db = new DatabaseSync(':memory:');
db.exec('CREATE TABLE events(id INTEGER PRIMARY KEY, city TEXT, temp REAL, ts INTEGER, payload TEXT)');
const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?)');
const started = performance.now();
const cpu = process.cpuUsage();
for (let first = 0; first < rows; first += batch) {
  db.exec('BEGIN');
  for (let i = first; i < first + batch; i++) insert.run(i, 'city-' + (i % 100), 20 + (i % 300) / 10, 1767225600000 + i, 'event ' + i + ' from the weather stream');
  db.exec('COMMIT');
}
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
const count = db.prepare('SELECT count(*) AS n FROM events').get().n;
process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, count, sqlite: db.prepare('SELECT sqlite_version() AS v').get().v }));
`;

/** One row of the benchmark's insert workload (5 columns). */
export function benchRow(i: number): [number, string, number, number, string] {
  return [i, `city-${i % 100}`, 20 + (i % 300) / 10, 1767225600000 + i, `event ${i} from the weather stream`];
}

export async function runNativeInsertBaseline(
  native: NativeSqliteNode,
  rows: number,
  batch: number,
): Promise<{ rowsPerS: number; rowsPerCpuS: number; sqlite: string }> {
  const { stdout } = await promisify(execFile)(native.node, ['-e', NATIVE_INSERT, String(rows), String(batch)], { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout) as { ms: number; cpuMs: number; count: number; sqlite: string };
  if (result.count !== rows) throw new Error(`The native baseline inserted ${result.count} rows instead of ${rows}.`);
  return { rowsPerS: rows / (result.ms / 1000), rowsPerCpuS: rows / (result.cpuMs / 1000), sqlite: result.sqlite };
}
