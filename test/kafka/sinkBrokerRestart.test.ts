import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKafkaBrokerProcess, startKafkaBroker, stopKafkaBroker, type RunningBroker } from '../../scripts/kafka/kafkaBroker';
import type { KafkaClient, OutgoingMessage } from '../../src/core/kafka/KafkaClient';
import { compileSinkColumns } from '../../src/core/sink/compileSinkColumns';
import { runKafkaSink } from '../../src/core/sink/runKafkaSink';
import { createTestTopic, openTestClient, REPO_ROOT } from './coreClientSupport';
import { waitUntil } from './kafkaTestSupport';
import { endOffsets, sqlite3, storedOffsets } from './sinkTestSupport';

const BEFORE = 100_000;
const AFTER = 20_000;

/**
 * Events of about 450 bytes: a backlog of 100,000 (45 MB) is far more than the consumer fetches
 * ahead (a few MB), so the broker dies while the sink still has most of it to read.
 */
const PAD = 'x'.repeat(400);

function events(from: number, count: number): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `k${(from + i) % 31}`,
    value: JSON.stringify({ id: from + i, v: (from + i) % 1000, pad: PAD }),
  }));
}

// Its own broker: stopping the run's shared one would break every other suite running beside it.
describe('a broker restart in the middle of a kafka.sink', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let stoppedPid: number | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dagstream-sink-restart-'));
    broker = await startKafkaBroker({ dataDir });
  });
  afterAll(async () => {
    await stopKafkaBroker(broker.pid);
    if (stoppedPid !== undefined) await stopKafkaBroker(stoppedPid);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loses nothing, writes nothing twice, and reports the time to recover', async () => {
    const warnings: string[] = [];
    const client: KafkaClient = await openTestClient([broker.bootstrap], (level, message) => {
      if (level === 'warn' || level === 'error') warnings.push(message);
    });
    const controller = new AbortController();
    try {
      const topic = await createTestTopic(client, 3);
      const producer = await client.producer();
      for (let from = 0; from < BEFORE; from += 10_000) await producer.send(topic, events(from, 10_000));

      // A database of its own per attempt (a retried test must not count the first attempt's rows).
      const database = join(await mkdtemp(join(dataDir, 'attempt-')), 'sink.sqlite');
      let rows = 0;
      const commits: number[] = [];
      const sink = runKafkaSink(client, {
        topics: [topic],
        database,
        table: 'events',
        columns: compileSinkColumns({ id: { path: '$.id', type: 'INTEGER', required: true }, v: { path: '$.v', type: 'INTEGER' } }),
        primaryKey: [],
        deadLetterTable: 'events_dead_letter',
        batchSize: 100,
        checkpointIntervalMs: 500,
        maxValueBytes: 1024,
        signal: controller.signal,
        onCommitted: (written) => {
          rows += written.rows;
          commits.push(Date.now());
        },
      });
      sink.catch(() => undefined); // awaited below

      await waitUntil(() => Promise.resolve(rows >= 5_000), 60_000, 'the sink has written 5,000 rows');
      const stopAt = Date.now();
      const rowsAtStop = rows;
      // SIGKILL: the broker dies at once, with the sink in the middle of the backlog (a SIGTERM's
      // controlled shutdown takes seconds, long enough for the sink to finish it).
      stoppedPid = broker.pid;
      process.kill(broker.pid, 'SIGKILL');
      await waitUntil(() => Promise.resolve(!isKafkaBrokerProcess(stoppedPid!)), 30_000, 'the killed broker is gone');
      stoppedPid = undefined;
      const rowsWhileDown = rows;
      await delay(2_000);
      const previous = broker.bootstrap;
      broker = await startKafkaBroker({ dataDir: join(dataDir) });
      const backAt = Date.now();
      expect(broker.bootstrap).toBe(previous);
      const rowsAtRestart = rows;

      for (let from = BEFORE; from < BEFORE + AFTER; from += 10_000) await producer.send(topic, events(from, 10_000));
      await producer.close();
      await waitUntil(() => Promise.resolve(rows >= BEFORE + AFTER), 120_000, `every event is stored (have ${rows})`);
      const firstCommitAfter = commits.find((at) => at > backAt);
      controller.abort();
      const result = await sink;
      expect(result.rows).toBe(BEFORE + AFTER);

      expect(await sqlite3(database, 'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM events')).toEqual([
        { n: BEFORE + AFTER, ids: BEFORE + AFTER },
      ]);
      expect(await storedOffsets(database, 'events')).toEqual(await endOffsets(client, topic));

      const report = {
        rows_when_stopped: rowsAtStop,
        rows_written_while_dying: rowsWhileDown - rowsAtStop,
        rows_when_back: rowsAtRestart,
        broker_down_ms: backAt - stopAt,
        // From the restarted broker being ready to the sink's next committed transaction.
        recovery_ms_after_broker_back: firstCommitAfter === undefined ? null : firstCommitAfter - backAt,
        // From the crash to that transaction: what a user sees as the stall.
        stall_ms: firstCommitAfter === undefined ? null : firstCommitAfter - stopAt,
        client_warnings: warnings.length,
      };
      console.log(`Sink across a broker restart: ${JSON.stringify(report)}`);
      mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
      writeFileSync(join(REPO_ROOT, 'test-results', 'kafka-sink-broker-restart.json'), `${JSON.stringify(report, null, 2)}\n`);
      expect(rowsAtRestart).toBeLessThan(BEFORE); // the broker went away in the middle of the stream
    } finally {
      controller.abort();
      await client.close();
    }
  }, 240_000);
});
