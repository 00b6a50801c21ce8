import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaClient, OutgoingMessage } from '../../src/core/kafka/KafkaClient';
import { bundleWithSqliteWorker } from '../../src/core/sqlite/bundleWithSqliteWorker';
import { createTestTopic, openTestClient, REPO_ROOT, testBrokers } from './coreClientSupport';
import { endOffsets, sqlite3, storedOffsets } from './sinkTestSupport';

const EVENTS = 100_000;
const KILLS = 20;

/**
 * Exactly-once under crashes: the sink runs as `dagstream test` in a real process (the CLI
 * bundled as dist/ is, run by plain node) and is SIGKILLed at random moments, then started
 * again, at least 20 times; at the end every event is in the table exactly once and the stored
 * offsets are the topic's end offsets.
 */
describe('kafka.sink killed with SIGKILL again and again', () => {
  let client: KafkaClient;
  let cli: string;
  const root = mkdtempSync(join(tmpdir(), 'dagstream-sink-crash-'));
  beforeAll(async () => {
    client = await openTestClient();
    cli = await bundleWithSqliteWorker(join(REPO_ROOT, 'src', 'cli', 'main.ts'), join(root, 'dist'));
  });
  afterAll(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  it(`stores ${EVENTS} events exactly once across ${KILLS} kills`, { timeout: 300_000 }, async () => {
    const topic = await createTestTopic(client, 3);
    const producer = await client.producer();
    for (let start = 0; start < EVENTS; start += 10_000) {
      const batch: OutgoingMessage[] = [];
      for (let id = start; id < start + 10_000; id++) {
        batch.push({
          key: `station-${id % 97}`,
          value: JSON.stringify({ id, station: `station-${id % 97}`, temperature_c: (id % 400) / 10 }),
        });
      }
      await producer.send(topic, batch);
    }
    await producer.close();

    const workspace = join(root, 'ws');
    const dagFile = join(root, 'crash.dag.json');
    writeFileSync(
      dagFile,
      JSON.stringify({
        version: 1,
        dag_id: 'crash',
        schedule: null,
        start_date: '2026-01-01',
        tasks: [
          {
            task_id: 'sink',
            operator: 'kafka.sink',
            topics: topic,
            database: 'events.sqlite',
            table: 'events',
            columns: {
              id: { path: '$.id', type: 'INTEGER', required: true },
              station: { path: '$.station', type: 'TEXT' },
              temperature_c: { path: '$.temperature_c', type: 'REAL' },
              kafka_partition: { path: '$partition', type: 'INTEGER' },
              kafka_offset: { path: '$offset', type: 'INTEGER' },
            },
            // Small transactions, each saved to disk before it counts: many boundaries to die
            // between (in a transaction, between them, while a snapshot is written), at a pace
            // that leaves 20 lives before the end.
            batch_size: 10,
            checkpoint_interval: 0,
            stop_at_end: true,
          },
        ],
      }),
    );
    const database = join(workspace, 'events.sqlite');
    const env = { ...process.env, DAGSTREAM_KAFKA_BROKERS: testBrokers().join(',') };
    const start = () =>
      spawn(process.execPath, [cli, 'test', dagFile, '--workspace', workspace, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const rowsNow = async (): Promise<number> => {
      try {
        return Number((await sqlite3(database, 'SELECT count(*) AS n FROM events'))[0]!.n);
      } catch {
        return 0; // no file yet
      }
    };

    const progress: number[] = [];
    let killedMidStream = 0;
    for (let kill = 1; kill <= KILLS; kill++) {
      const before = progress.at(-1) ?? 0;
      const child = start();
      let exitCode: number | null = null;
      const exited = new Promise<void>((resolve) =>
        child.once('exit', (code) => {
          exitCode = code;
          resolve();
        }),
      );
      // Every fourth life dies anywhere from start-up on (opening the database, connecting,
      // joining); the others once they are visibly writing (a checkpoint landed), a random moment
      // later: in a transaction, between batches, or while a snapshot is being written.
      const anywhere = kill % 4 === 0 ? delay(100 + Math.random() * 1000) : new Promise<void>(() => undefined);
      const writing = (async () => {
        const deadline = Date.now() + 30_000;
        while (exitCode === null && Date.now() < deadline && (await rowsNow()) <= before) await delay(25);
        await delay(Math.random() * 300);
      })();
      await Promise.race([anywhere, writing, exited]);
      const wasRunning = exitCode === null;
      child.kill('SIGKILL');
      await exited;
      const rows = await rowsNow();
      if (wasRunning && rows > before) killedMidStream++;
      progress.push(rows);
      if (rows >= EVENTS) console.log(`rows after each kill: ${progress.join(', ')}`);
      expect(rows, 'the sink finished before it was killed 20 times: slow it down').toBeLessThan(EVENTS);
    }
    console.log(`rows after each kill: ${progress.join(', ')} (${killedMidStream} kills while rows were being written)`);
    expect(progress.length).toBeGreaterThanOrEqual(KILLS);
    expect(killedMidStream).toBeGreaterThanOrEqual(10);

    // The last start runs to the end offsets and exits.
    const last = start();
    let stdout = '';
    last.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const code = await new Promise<number | null>((resolve) => last.once('exit', resolve));
    expect(code, stdout).toBe(0);

    expect(await sqlite3(database, 'SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi FROM events')).toEqual([
      { n: EVENTS, ids: EVENTS, lo: 0, hi: EVENTS - 1 },
    ]);
    expect(await sqlite3(database, 'SELECT count(*) AS n FROM events_dead_letter')).toEqual([{ n: 0 }]);
    expect(await storedOffsets(database, 'events')).toEqual(await endOffsets(client, topic));
    // Each row came from the offset it says: no offset stored twice.
    expect(await sqlite3(database, 'SELECT count(*) AS n FROM (SELECT DISTINCT kafka_partition, kafka_offset FROM events)')).toEqual([
      { n: EVENTS },
    ]);
  });
});
