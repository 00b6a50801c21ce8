import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { startKafkaBroker, stopKafkaBroker } from '../scripts/kafka/kafkaBroker';
import type { KafkaClient, KafkaProducer, OutgoingMessage } from '../src/core/kafka/KafkaClient';
import { createKafkaClient } from '../src/core/kafka/openKafkaClient';
import { readMessages } from '../src/core/kafka/readMessages';
import { compileSinkColumns } from '../src/core/sink/compileSinkColumns';
import { runKafkaSink, type KafkaSinkOptions } from '../src/core/sink/runKafkaSink';
import { percentile, round, type BenchMetric } from './benchResult';

const PRODUCE_MESSAGES = 50_000;
const PRODUCE_VALUE_BYTES = 1024;
const SINK_EVENTS = 200_000;
const LATENCY_RATE_PER_S = 1_000;
const LATENCY_SECONDS = 20;
const DURABLE_LATENCY_SECONDS = 10;
const LATENCY_WARMUP_MS = 2_000;
const BROWSER_MESSAGES = 1_000_000;
const PAGE = 200;

/**
 * `npm run bench -- kafka`, against a real broker: DAGSTREAM_KAFKA_BROKERS when set, otherwise
 * one started for the run (and stopped after it). Baselines run in the same process and moment:
 * kcat for producing, a plain consume-and-discard for the sink.
 */
export async function runKafkaSuite(): Promise<BenchMetric[]> {
  const external = process.env.DAGSTREAM_KAFKA_BROKERS?.trim();
  const work = await mkdtemp(path.join(tmpdir(), 'dagstream-bench-kafka-'));
  const broker = external ? undefined : await startKafkaBroker({ dataDir: path.join(work, 'broker') });
  const brokers = external ? external.split(',').map((b) => b.trim()) : [broker!.bootstrap];
  const client = await createKafkaClient(
    { name: 'bench', brokers, clientId: 'dagstream-bench' },
    { getSecret: () => Promise.resolve(undefined), describeLocation: () => 'nowhere' },
  );
  try {
    // DAGSTREAM_BENCH_KAFKA=produce,sink runs only those parts (when working on one of them).
    const only = process.env.DAGSTREAM_BENCH_KAFKA?.split(',').map((part) => part.trim());
    const parts: [string, () => Promise<BenchMetric[]>][] = [
      ['produce', () => produceThroughput(client, brokers, work)],
      ['sink', () => sinkEfficiency(client, work)],
      ['latency', () => endToEndLatency(client, work)],
      ['browser', () => browserFirstPage(client)],
    ];
    const results: BenchMetric[] = [];
    for (const [name, part] of parts) if (!only || only.includes(name)) results.push(...(await part()));
    const load = loadavg()[0]!.toFixed(1);
    for (const result of results) result.note += `; machine load average ${load} on ${cpus().length} CPUs at the end`;
    return results;
  } finally {
    await client.close();
    if (broker) await stopKafkaBroker(broker.pid);
    await rm(work, { recursive: true, force: true });
  }
}

async function newTopic(client: KafkaClient, prefix: string, partitions = 3): Promise<string> {
  const topic = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  await (await client.admin()).createTopic({ name: topic, partitions });
  return topic;
}

/** A JSON event of exactly `bytes` bytes. */
function jsonEvent(id: number, bytes: number): string {
  const base = JSON.stringify({ id, station: `station-${id % 97}`, temperature_c: (id % 400) / 10, ts: 1_764_000_000_000 + id, pad: '' });
  return `${base.slice(0, -2)}${'x'.repeat(Math.max(0, bytes - base.length))}"}`;
}

async function produceThroughput(client: KafkaClient, brokers: readonly string[], work: string): Promise<BenchMetric[]> {
  const values = Array.from({ length: PRODUCE_MESSAGES }, (_, i) => jsonEvent(i, PRODUCE_VALUE_BYTES));
  const file = path.join(work, 'produce.jsonl');
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(file);
    out.on('error', reject);
    out.end(`${values.join('\n')}\n`, resolve);
  });

  // Warm-up: connections, metadata, the JIT.
  const producer: KafkaProducer = await client.producer();
  const warm = await newTopic(client, 'bench-produce-warm');
  await producer.send(
    warm,
    values.slice(0, 5_000).map((value) => ({ value })),
    { acks: -1 },
  );

  const ours: number[] = [];
  const kcat: number[] = [];
  for (let round_ = 0; round_ < 3; round_++) {
    const topic = await newTopic(client, 'bench-produce');
    const messages: OutgoingMessage[] = values.map((value) => ({ value }));
    const started = performance.now();
    await producer.send(topic, messages, { acks: -1 });
    ours.push(PRODUCE_MESSAGES / ((performance.now() - started) / 1000));

    const kcatTopic = await newTopic(client, 'bench-produce-kcat');
    const kcatStarted = performance.now();
    await run('kcat', ['-P', '-b', brokers.join(','), '-t', kcatTopic, '-X', 'acks=all', '-l', file]);
    kcat.push(PRODUCE_MESSAGES / ((performance.now() - kcatStarted) / 1000));
    const written = (await (await client.admin()).fetchOffsets(kcatTopic)).reduce((sum, o) => sum + o.high, 0);
    if (written !== PRODUCE_MESSAGES) throw new Error(`kcat wrote ${written} messages, not ${PRODUCE_MESSAGES}`);
  }
  await producer.close();
  const best = Math.max(...ours);
  const bestKcat = Math.max(...kcat);
  return [
    {
      name: 'produce_msgs_per_s',
      value: Math.round(best),
      unit: 'msg/s',
      note: `${PRODUCE_MESSAGES} JSON values of ${PRODUCE_VALUE_BYTES} B to 3 partitions, acks=all, no compression, one send() of the core client (kafkajs adapter); best of 3 (runs: ${ours.map(Math.round).join(', ')})`,
    },
    {
      name: 'produce_ratio_vs_kcat',
      value: round(best / bestKcat),
      unit: 'ratio',
      baseline: Math.round(bestKcat),
      ratio: round(best / bestKcat),
      note: `core client msg/s / kcat msg/s (kcat -P -X acks=all -l, librdkafka defaults, same file, same run; kcat runs: ${kcat.map(Math.round).join(', ')}, process start included)`,
    },
  ];
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error) => reject(new Error(`${command}: ${error.message} (install it: apt-get install -y ${command})`)));
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr}`)),
    );
  });
}

const SINK_COLUMNS = compileSinkColumns({
  id: { path: '$.id', type: 'INTEGER', required: true },
  station: { path: '$.station', type: 'TEXT' },
  temperature_c: { path: '$.temperature_c', type: 'REAL' },
  ts: { path: '$.ts', type: 'INTEGER' },
  kafka_partition: { path: '$partition', type: 'INTEGER' },
  kafka_offset: { path: '$offset', type: 'INTEGER' },
});

/**
 * The database worker as the CLI and the extension start it (dist/, from `npm run build`): run
 * from source it would load through tsx, whose start-up is no part of a sink's cost.
 */
const BUILT_WORKER = path.resolve(__dirname, '..', 'dist', 'sqliteWorker.js');
const WORKER_NOTE = existsSync(BUILT_WORKER)
  ? 'database worker from dist/'
  : 'database worker from TypeScript source (run npm run build first to measure the built one)';

function sinkOptions(topic: string, database: string, extra: Partial<KafkaSinkOptions> = {}): KafkaSinkOptions {
  // The operator's defaults: 500 rows per transaction, a checkpoint every 5 s.
  return {
    ...(existsSync(BUILT_WORKER) ? { workerScript: BUILT_WORKER } : {}),
    topics: [topic],
    database,
    table: 'events',
    columns: SINK_COLUMNS,
    primaryKey: [],
    deadLetterTable: 'events_dead_letter',
    batchSize: 500,
    checkpointIntervalMs: 5_000,
    maxValueBytes: 1024 * 1024,
    ...extra,
  };
}

async function produceEvents(client: KafkaClient, topic: string, count: number, bytes: number): Promise<void> {
  const producer = await client.producer();
  for (let from = 0; from < count; from += 50_000) {
    const chunk: OutgoingMessage[] = [];
    for (let id = from; id < Math.min(count, from + 50_000); id++) chunk.push({ key: `station-${id % 97}`, value: jsonEvent(id, bytes) });
    await producer.send(topic, chunk, { acks: 1 });
  }
  await producer.close();
}

async function sinkEfficiency(client: KafkaClient, work: string): Promise<BenchMetric[]> {
  const topic = await newTopic(client, 'bench-sink');
  await produceEvents(client, topic, SINK_EVENTS, 256);

  // Baseline: the same events read by the same client's consumer and thrown away. Rounds
  // alternate so that both see the same moments of a shared machine; the CPU figures (the whole
  // process: caller and database thread) are blind to how busy the machine is.
  const discard: { rate: number; cpuRate: number }[] = [];
  const sink: { rate: number; cpuRate: number; startMs: number; totalMs: number }[] = [];
  for (let round_ = 0; round_ < 3; round_++) {
    let cpu = process.cpuUsage();
    const discardStarted = performance.now();
    const read = await readMessages(client, { topics: [topic], stopAtEnd: true, onMessage: () => undefined });
    if (read.count !== SINK_EVENTS) throw new Error(`the baseline read ${read.count} events, not ${SINK_EVENTS}`);
    let used = process.cpuUsage(cpu);
    discard.push({
      rate: read.count / ((performance.now() - discardStarted) / 1000),
      cpuRate: read.count / ((used.user + used.system) / 1e6),
    });

    cpu = process.cpuUsage();
    // Its log says when it starts consuming: what comes before is opening the database and positioning.
    const sinkStarted = performance.now();
    let startMs = 0;
    const result = await runKafkaSink(
      client,
      sinkOptions(topic, path.join(work, `sink-${round_}.sqlite`), {
        stopAtEnd: true,
        log: (_level, message) => {
          if (message.startsWith('Starting at')) startMs = performance.now() - sinkStarted;
        },
      }),
    );
    used = process.cpuUsage(cpu);
    if (result.rows !== SINK_EVENTS) throw new Error(`the sink stored ${result.rows} rows, not ${SINK_EVENTS}`);
    sink.push({
      rate: result.rows / (result.durationMs / 1000),
      cpuRate: result.rows / ((used.user + used.system) / 1e6),
      startMs,
      totalMs: result.durationMs,
    });
  }
  const best = (runs: { rate: number; cpuRate: number }[], key: 'rate' | 'cpuRate'): number => Math.max(...runs.map((r) => r[key]));
  const list = (runs: { rate: number }[]): string => runs.map((r) => Math.round(r.rate)).join(', ');
  const fastest = sink.reduce((a, b) => (b.rate > a.rate ? b : a));
  return [
    {
      name: 'sink_efficiency_ratio',
      value: round(best(sink, 'rate') / best(discard, 'rate')),
      unit: 'ratio',
      baseline: Math.round(best(discard, 'rate')),
      ratio: round(best(sink, 'rate') / best(discard, 'rate')),
      target: '>= 0.6',
      note: `${SINK_EVENTS} pre-produced JSON events (256 B, 3 partitions): kafka.sink exactly-once into SQLite (6 mapped columns, 500 rows per transaction with their offsets, checkpoint every 5 s, final checkpoint and opening the database included, ${WORKER_NOTE}) at ${Math.round(best(sink, 'rate'))} events/s vs consume-and-discard (readMessages, same client) at ${Math.round(best(discard, 'rate'))} events/s; best of 3 alternating rounds (sink ${list(sink)}; discard ${list(discard)}); the fastest sink round took ${Math.round(fastest.startMs)} ms to open the database and position the consumer, then ${Math.round(fastest.totalMs - fastest.startMs)} ms to consume, write and save the last checkpoint`,
    },
    {
      name: 'sink_efficiency_ratio_cpu',
      value: round(best(sink, 'cpuRate') / best(discard, 'cpuRate')),
      unit: 'ratio',
      baseline: Math.round(best(discard, 'cpuRate')),
      ratio: round(best(sink, 'cpuRate') / best(discard, 'cpuRate')),
      note: `the same comparison in events per CPU-second of the whole process (sink ${Math.round(best(sink, 'cpuRate'))}, discard ${Math.round(best(discard, 'cpuRate'))}): what a busy machine does not skew`,
    },
  ];
}

interface LatencyRun {
  latencies: number[];
  sent: number;
}

/** Produces `rate` events/s for `seconds` (10 per 10 ms tick) while a sink runs; event timestamp -> its transaction committed. */
async function latencyRun(
  client: KafkaClient,
  work: string,
  name: string,
  seconds: number,
  extra: Partial<KafkaSinkOptions>,
): Promise<LatencyRun> {
  const topic = await newTopic(client, `bench-latency-${name}`);
  const latencies: number[] = [];
  const controller = new AbortController();
  const startedAt = Date.now();
  let joined!: () => void;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  const sink = runKafkaSink(
    client,
    sinkOptions(topic, path.join(work, `latency-${name}.sqlite`), {
      ...extra,
      signal: controller.signal,
      log: (_level, message) => {
        if (message.startsWith('Starting at')) joined();
      },
      onCommitted: ({ timestamps }) => {
        const now = Date.now();
        for (const timestamp of timestamps) if (timestamp - startedAt > LATENCY_WARMUP_MS) latencies.push(now - timestamp);
      },
    }),
  );
  await ready;
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the consumer joined and is fetching
  const producer = await client.producer();
  const perTick = LATENCY_RATE_PER_S / 100;
  let sent = 0;
  const begin = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let tick = 0; tick < seconds * 100; tick++) {
    const due = begin + tick * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const batch: OutgoingMessage[] = [];
    for (let i = 0; i < perTick; i++)
      batch.push({ key: `station-${(sent + i) % 97}`, value: jsonEvent(sent + i, 256), timestamp: Date.now() });
    sent += perTick;
    // Not awaited one by one: a steady source does not wait for the previous acknowledgement.
    sends.push(producer.send(topic, batch, { acks: -1 }));
  }
  await Promise.all(sends);
  const deadline = Date.now() + 30_000;
  while (latencies.length < sent - LATENCY_RATE_PER_S * ((LATENCY_WARMUP_MS + 1_000) / 1000) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  controller.abort();
  await sink;
  await producer.close();
  return { latencies, sent };
}

async function endToEndLatency(client: KafkaClient, work: string): Promise<BenchMetric[]> {
  const fast = await latencyRun(client, work, 'default', LATENCY_SECONDS, {});
  const durable = await latencyRun(client, work, 'durable', DURABLE_LATENCY_SECONDS, { checkpointIntervalMs: 0 });
  const p = (values: number[], q: number): number => round(percentile(values, q), 1);
  const how = `${LATENCY_RATE_PER_S} events/s (256 B JSON, 10 every 10 ms, acks=all) into kafka.sink with the default batch settings (500 rows per transaction at most)`;
  return [
    {
      name: 'e2e_latency_p50_ms',
      value: p(fast.latencies, 50),
      unit: 'ms',
      note: `event timestamp -> its row committed in the sink's database (visible to queries), ${how}; ${fast.latencies.length} events after a ${LATENCY_WARMUP_MS / 1000} s warm-up`,
    },
    {
      name: 'e2e_latency_p95_ms',
      value: p(fast.latencies, 95),
      unit: 'ms',
      note: 'as e2e_latency_p50_ms, 95th percentile',
    },
    {
      name: 'e2e_latency_p99_ms',
      value: p(fast.latencies, 99),
      unit: 'ms',
      target: '< 250 ms',
      note: `as e2e_latency_p50_ms, 99th percentile (max ${p(fast.latencies, 100)} ms)`,
    },
    {
      name: 'e2e_durable_latency_p50_ms',
      value: p(durable.latencies, 50),
      unit: 'ms',
      note: `event timestamp -> its row on disk: checkpoint_interval 0, each transaction resolves once its snapshot is written and fsynced; ${how}; ${durable.latencies.length} events over ${DURABLE_LATENCY_SECONDS} s`,
    },
    {
      name: 'e2e_durable_latency_p99_ms',
      value: p(durable.latencies, 99),
      unit: 'ms',
      note: `as e2e_durable_latency_p50_ms, 99th percentile (max ${p(durable.latencies, 100)} ms)`,
    },
  ];
}

async function browserFirstPage(client: KafkaClient): Promise<BenchMetric[]> {
  const topic = await newTopic(client, 'bench-browser');
  const producer = await client.producer();
  const startOffset = BROWSER_MESSAGES / 4; // about three quarters into each of the 3 partitions
  let middle = 0;
  for (let from = 0; from < BROWSER_MESSAGES; from += 50_000) {
    if (from === BROWSER_MESSAGES / 2) middle = Date.now();
    const chunk: OutgoingMessage[] = [];
    for (let id = from; id < from + 50_000; id++) chunk.push({ key: `k${id % 1013}`, value: `{"id":${id},"v":${id % 977}}` });
    await producer.send(topic, chunk, { acks: 1 });
  }
  await producer.close();
  const total = (await (await client.admin()).fetchOffsets(topic)).reduce((sum, o) => sum + o.high, 0);
  if (total !== BROWSER_MESSAGES) throw new Error(`the browser topic holds ${total} messages, not ${BROWSER_MESSAGES}`);

  const page = async (start: { offset: number } | { timestamp: number }): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const result = await readMessages(client, { topics: [topic], start, maxMessages: PAGE, onMessage: () => undefined });
      if (result.count !== PAGE) throw new Error(`a page held ${result.count} messages, not ${PAGE}`);
      times.push(performance.now() - started);
    }
    return times;
  };
  const byOffset = await page({ offset: startOffset });
  const byTimestamp = await page({ timestamp: middle });
  const median = (values: number[]): number => round(percentile(values, 50), 1);
  return [
    {
      name: 'browser_first_page_offset_ms',
      value: median(byOffset),
      unit: 'ms',
      target: '< 1000 ms',
      note: `first page of ${PAGE} messages via readMessages from offset ${startOffset} in every partition of a 3-partition topic holding ${BROWSER_MESSAGES} messages; median of 3 (${byOffset.map((t) => Math.round(t)).join(', ')} ms), each with its own consumer`,
    },
    {
      name: 'browser_first_page_timestamp_ms',
      value: median(byTimestamp),
      unit: 'ms',
      target: '< 1000 ms',
      note: `the same from a timestamp (the middle of the topic; offsets looked up by time); median of 3 (${byTimestamp.map((t) => Math.round(t)).join(', ')} ms)`,
    },
  ];
}
