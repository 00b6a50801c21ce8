import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaClient, OutgoingMessage } from '../../src/core/kafka/KafkaClient';
import type { TaskProgress } from '../../src/core/executor/taskExecution';
import { createTestRunContext } from '../../src/core/executor/createTestRunContext';
import { createKafkaSinkOperator } from '../../src/core/operators/kafkaSinkOperator';
import { compileSinkColumns } from '../../src/core/sink/compileSinkColumns';
import { runKafkaSink, type KafkaSinkOptions } from '../../src/core/sink/runKafkaSink';
import { createTestTopic, openTestClient, runDagstream, runKcat, testBrokers } from './coreClientSupport';
import { waitUntil } from './kafkaTestSupport';
import { uniqueName } from './kafkaTestSupport';
import { endOffsets, sqlite3, storedOffsets } from './sinkTestSupport';

describe('kafka.sink against the real broker', () => {
  let client: KafkaClient;
  const workspace = mkdtempSync(join(tmpdir(), 'dagstream-kafka-sink-'));
  beforeAll(async () => {
    client = await openTestClient();
  });
  afterAll(async () => {
    await client.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('a DAG run stores events as rows, upserts on the primary key, dead-letters a bad event, and mirrors its offsets to the group', async () => {
    const topic = await createTestTopic(client, 3);
    const groupId = uniqueName('dagstream-sink-group');
    const producer = await client.producer();
    const events = (round: number): OutgoingMessage[] =>
      ['lisbon', 'porto', 'faro', 'braga'].map((city, i) => ({
        key: city,
        value: JSON.stringify({ id: i + 1, station: { city }, temperature_c: 20 + i + round, tags: ['hot', round] }),
        headers: [{ key: 'source', value: 'weather-api' }],
      }));
    await producer.send(topic, [...events(0), { key: 'bad', value: '{"id": oops' }]);
    const dag = {
      version: 1,
      dag_id: 'sink_dag',
      schedule: null,
      start_date: '2026-01-01',
      tasks: [
        {
          task_id: 'sink',
          operator: 'kafka.sink',
          topics: topic,
          group_id: groupId,
          database: 'weather.sqlite',
          table: 'readings',
          columns: {
            id: { path: '$.id', type: 'INTEGER', required: true },
            city: { path: '$.station.city', type: 'TEXT', required: true },
            temperature_c: { path: '$.temperature_c', type: 'REAL' },
            tags: { path: '$.tags', type: 'JSON' },
            source: { path: '$headers.source', type: 'TEXT' },
            kafka_offset: { path: '$offset', type: 'INTEGER' },
          },
          primary_key: 'id',
          stop_at_end: true,
          checkpoint_interval: '1s',
        },
      ],
    };
    const file = join(workspace, 'sink_dag.dag.json');
    writeFileSync(file, JSON.stringify(dag, null, 2));
    const runOnce = async (): Promise<{ state: string; tasks: Record<string, { state: string; xcom: unknown }> }> => {
      const result = await runDagstream(['test', file, '--workspace', workspace, '--json'], { main: true });
      const last = result.stdout.trim().split('\n').at(-1) ?? '';
      if (!last.startsWith('{'))
        throw new Error(`dagstream test printed no summary (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
      return JSON.parse(last) as { state: string; tasks: Record<string, { state: string; xcom: unknown }> };
    };

    const first = await runOnce();
    expect(first.state, JSON.stringify(first.tasks)).toBe('success');
    expect(first.tasks.sink!.xcom).toMatchObject({ messages: 5, rows: 4, dead_letters: 1 });
    const db = join(workspace, 'weather.sqlite');
    const rows = await sqlite3(db, 'SELECT id, city, temperature_c, tags, source FROM readings ORDER BY id');
    expect(rows).toEqual([
      { id: 1, city: 'lisbon', temperature_c: 20, tags: '["hot",0]', source: 'weather-api' },
      { id: 2, city: 'porto', temperature_c: 21, tags: '["hot",0]', source: 'weather-api' },
      { id: 3, city: 'faro', temperature_c: 22, tags: '["hot",0]', source: 'weather-api' },
      { id: 4, city: 'braga', temperature_c: 23, tags: '["hot",0]', source: 'weather-api' },
    ]);
    const dead = await sqlite3(
      db,
      'SELECT topic, partition, "offset", CAST(key AS TEXT) AS key, CAST(value AS TEXT) AS value, reason FROM readings_dead_letter',
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ topic, key: 'bad', value: '{"id": oops' });
    expect(String(dead[0]!.reason)).toMatch(/^invalid JSON/);
    expect(await storedOffsets(db, 'readings')).toEqual(await endOffsets(client, topic));

    // New readings for the same ids replace the rows; nothing already stored is read again.
    await producer.send(topic, events(10));
    const second = await runOnce();
    expect(second.state).toBe('success');
    expect(second.tasks.sink!.xcom).toMatchObject({ messages: 4, rows: 4, dead_letters: 0 });
    expect(await sqlite3(db, 'SELECT id, temperature_c FROM readings ORDER BY id')).toEqual([
      { id: 1, temperature_c: 30 },
      { id: 2, temperature_c: 31 },
      { id: 3, temperature_c: 32 },
      { id: 4, temperature_c: 33 },
    ]);
    expect(await sqlite3(db, 'SELECT count(*) AS n FROM readings_dead_letter')).toEqual([{ n: 1 }]);
    // The group shows the sink's progress (lag 0) though the sink never reads the group's offsets.
    const group = await (await client.admin()).describeGroup(groupId);
    expect(group.offsets.filter((o) => o.topic === topic).map((o) => o.lag)).toEqual([0, 0, 0]);
    await producer.close();
  });

  it('1% invalid JSON and oversized values: one dead-letter row each with its reason, every good event stored, offsets at the end', async () => {
    const topic = await createTestTopic(client, 3);
    const producer = await client.producer();
    const total = 10_000;
    const kinds = new Map<number, 'invalid' | 'oversized' | 'missing' | 'good'>();
    const messages: OutgoingMessage[] = [];
    for (let i = 0; i < total; i++) {
      const kind = i % 100 === 7 ? 'invalid' : i % 500 === 3 ? 'oversized' : i % 1000 === 11 ? 'missing' : 'good';
      kinds.set(i, kind);
      const value =
        kind === 'invalid'
          ? `{"id": ${i}, "city": "x"`
          : kind === 'oversized'
            ? JSON.stringify({ id: i, city: 'big', pad: 'x'.repeat(5000) })
            : kind === 'missing'
              ? JSON.stringify({ city: 'no id' })
              : JSON.stringify({ id: i, city: `c${i % 7}` });
      messages.push({ key: String(i), value });
    }
    await producer.send(topic, messages);
    await producer.close();
    const database = join(workspace, `bad-${topic}.sqlite`);
    const options: KafkaSinkOptions = {
      topics: [topic],
      database,
      table: 'events',
      columns: compileSinkColumns({
        id: { path: '$.id', type: 'INTEGER', required: true },
        city: { path: '$.city', type: 'TEXT' },
        k: { path: '$key', type: 'TEXT' },
      }),
      primaryKey: [],
      deadLetterTable: 'events_dead',
      batchSize: 500,
      checkpointIntervalMs: 1000,
      maxValueBytes: 4096,
      stopAtEnd: true,
    };
    const progress: number[] = [];
    const result = await runKafkaSink(client, { ...options, onProgress: (p) => progress.push(p.deadLetters ?? -1) });
    const expectBad = [...kinds.values()].filter((k) => k !== 'good').length;
    expect(result).toMatchObject({ messages: total, rows: total - expectBad, deadLetters: expectBad, stoppedBy: 'end' });
    expect(progress.at(-1)).toBe(expectBad);

    const dead = await sqlite3(database, 'SELECT CAST(key AS TEXT) AS k, reason, length(value) AS bytes FROM events_dead');
    expect(dead).toHaveLength(expectBad);
    expect(new Set(dead.map((d) => d.k)).size).toBe(expectBad);
    for (const row of dead) {
      const kind = kinds.get(Number(row.k));
      const expected = {
        invalid: /^invalid JSON/,
        oversized: /^oversized value: \d+ bytes, above max_value_bytes \(4096\)/,
        missing: /^missing required field \$\.id/,
      };
      expect(kind).not.toBe('good');
      expect(String(row.reason)).toMatch(expected[kind as 'invalid' | 'oversized' | 'missing']);
    }
    const oversized = dead.find((d) => kinds.get(Number(d.k)) === 'oversized');
    expect(Number(oversized!.bytes)).toBeGreaterThan(5000); // the raw bytes, whole
    const stored = await sqlite3(database, 'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM events');
    expect(stored).toEqual([{ n: total - expectBad, ids: total - expectBad }]);
    expect(await storedOffsets(database, 'events')).toEqual(await endOffsets(client, topic));

    // The offsets moved on: a second run has nothing to do and writes nothing twice.
    const again = await runKafkaSink(client, options);
    expect(again).toMatchObject({ messages: 0, stoppedBy: 'end' });
    expect(await sqlite3(database, 'SELECT count(*) AS n FROM events_dead')).toEqual([{ n: expectBad }]);
  });

  it('without a stop condition streams until the run is cancelled, reporting progress about once a second; what it stored is saved', async () => {
    const topic = await createTestTopic(client, 3);
    const producer = await client.producer();
    await producer.send(
      topic,
      Array.from({ length: 300 }, (_, n) => ({ value: JSON.stringify({ n }) })),
    );
    const context = createTestRunContext({ workspaceDir: workspace, taskId: `stream_${topic.slice(-6)}` });
    const progress: TaskProgress[] = [];
    context.reportProgress = (p) => progress.push(p);
    const running = createKafkaSinkOperator((_name, options) => openTestClient(testBrokers(), options?.logger)).start(
      {
        task_id: context.taskId,
        operator: 'kafka.sink',
        topics: topic,
        database: 'stream.sqlite',
        table: `stream_${topic.slice(-6)}`,
        columns: { n: { path: '$.n', type: 'INTEGER', required: true } },
        checkpoint_interval: '10s',
      },
      context,
    );
    await waitUntil(() => Promise.resolve(progress.some((p) => p.messages === 300)), 30_000, 'progress reports 300 messages');
    await producer.send(
      topic,
      Array.from({ length: 200 }, (_, n) => ({ value: JSON.stringify({ n: 300 + n }) })),
    );
    await producer.close();
    await waitUntil(() => Promise.resolve(progress.some((p) => p.messages === 500)), 30_000, 'progress reports 500 messages');
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ messages: 500, lag: 0, deadLetters: 0 });
    expect(Object.values(last.offsets!).reduce((a, b) => a + b, 0)).toBe(500);
    running.kill('The run was cancelled.');
    expect(await running.outcome).toMatchObject({ state: 'failed', error: 'The run was cancelled.' });
    // The sink saves on its way out (not waiting for the 10 s checkpoint).
    const table = `stream_${topic.slice(-6)}`;
    const file = join(workspace, 'stream.sqlite');
    await waitUntil(
      // Only once the file exists: the sqlite3 tool would create an empty one, which the sink
      // then rightly refuses to overwrite as another program's.
      async () => existsSync(file) && Number((await sqlite3(file, `SELECT count(*) AS n FROM ${table}`))[0]!.n) === 500,
      15_000,
      'the 500 rows are in the file',
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${readFileSync(context.logFile, 'utf8')}`);
    });
    expect(await storedOffsets(file, table)).toEqual(await endOffsets(client, topic));
  });

  it('stores what kcat produced, keys and headers included', async () => {
    const topic = await createTestTopic(client, 2);
    const lines = ['lisbon\t{"temp":31.5}', 'porto\t{"temp":28}', 'faro\t{"temp":33.25}'];
    await runKcat(
      ['-P', '-b', testBrokers().join(','), '-t', topic, '-K', '\t', '-H', 'source=kcat', '-H', 'trace=t-42'],
      `${lines.join('\n')}\n`,
    );
    const database = join(workspace, `kcat-${topic}.sqlite`);
    const result = await runKafkaSink(client, {
      topics: [topic],
      database,
      table: 'from_kcat',
      columns: compileSinkColumns({
        city: { path: '$key', type: 'TEXT', required: true },
        temp: { path: '$.temp', type: 'REAL', required: true },
        headers: { path: '$headers', type: 'JSON' },
        source: { path: '$headers.source', type: 'TEXT' },
        partition: { path: '$partition', type: 'INTEGER' },
        ts: { path: '$timestamp', type: 'INTEGER' },
      }),
      primaryKey: ['city'],
      deadLetterTable: 'from_kcat_dead',
      batchSize: 100,
      checkpointIntervalMs: 0,
      maxValueBytes: 1024,
      stopAtEnd: true,
    });
    expect(result).toMatchObject({ messages: 3, rows: 3, deadLetters: 0 });
    const rows = await sqlite3(database, 'SELECT city, temp, headers, source, partition, ts FROM from_kcat ORDER BY city');
    expect(rows.map(({ city, temp, headers, source }) => ({ city, temp, headers, source }))).toEqual([
      { city: 'faro', temp: 33.25, headers: '{"source":"kcat","trace":"t-42"}', source: 'kcat' },
      { city: 'lisbon', temp: 31.5, headers: '{"source":"kcat","trace":"t-42"}', source: 'kcat' },
      { city: 'porto', temp: 28, headers: '{"source":"kcat","trace":"t-42"}', source: 'kcat' },
    ]);
    for (const row of rows) {
      expect([0, 1]).toContain(row.partition);
      expect(Math.abs(Number(row.ts) - Date.now())).toBeLessThan(120_000);
    }
  });
});
