import { spawn } from 'node:child_process';
import type { Admin, Producer } from 'kafkajs';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertPrerequisites, KCAT } from '../../scripts/checkPrerequisites';
import { startGroupConsumer, testKafka, testProducer, uniqueName, type ReceivedMessage } from './kafkaTestSupport';

// kcat (librdkafka) is a client we did not write: messages that survive a trip between it and
// kafkajs prove the wire format, keys, values and headers, not just kafkajs talking to itself.

const PARTITIONS = 3;

interface KcatResult {
  readonly stdout: string;
  readonly stderr: string;
}

function runKcat(args: readonly string[], input?: string): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A kcat waiting on a broker that never answers must not hang the run.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Running kcat ${args.join(' ')}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`kcat ${args.join(' ')} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}:\n${stderr}`));
    });
    child.stdin.end(input ?? '');
  });
}

describe('interoperability between kafkajs and kcat', () => {
  const bootstrap = inject('kafkaBootstrap');
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(() => {
    // Fails the suite, naming `apt-get install -y kcat`, instead of skipping it unnoticed.
    assertPrerequisites('run the kcat interoperability tests', [KCAT]);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function createTopic(): Promise<string> {
    const admin: Admin = testKafka('kcat-interop-admin').admin();
    await admin.connect();
    const topic = uniqueName('dagstream-test');
    cleanups.push(async () => {
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    });
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
    return topic;
  }

  async function connectedProducer(): Promise<Producer> {
    const producer = testProducer(testKafka('kcat-interop-producer'));
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    return producer;
  }

  async function consumeWithKafkajs(topic: string, count: number): Promise<readonly ReceivedMessage[]> {
    const consumer = await startGroupConsumer(testKafka('kcat-interop-consumer'), {
      groupId: uniqueName('dagstream-test-group'),
      topics: [topic],
    });
    cleanups.push(() => consumer.disconnect());
    return consumer.waitForCount(count);
  }

  it('kcat reads what kafkajs produced: keys, JSON values, headers and partitions', async () => {
    const topic = await createTopic();
    const producer = await connectedProducer();
    const sent = Array.from({ length: 30 }, (_, seq) => ({ key: `k-${seq % 7}`, value: { seq, text: `héllo ${seq}` } }));
    await producer.send({
      topic,
      messages: sent.map(({ key, value }) => ({ key, value: JSON.stringify(value), headers: { source: 'kafkajs' } })),
    });

    // One line per message; JSON never contains a raw tab or newline, so both are safe separators.
    const { stdout } = await runKcat(['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\t%o\t%k\t%h\t%s\n']);
    const lines = stdout.split('\n').filter((line) => line.length > 0);
    expect(lines).toHaveLength(sent.length);
    const read = lines.map((line) => {
      const [partition = '', offset = '', key = '', headers = '', ...value] = line.split('\t');
      return {
        partition: Number(partition),
        offset: Number(offset),
        key,
        headers,
        value: JSON.parse(value.join('\t')) as { seq: number; text: string },
      };
    });
    expect(read.map(({ key, value }) => ({ key, value })).sort((a, b) => a.value.seq - b.value.seq)).toEqual(sent);
    for (const message of read) expect(message.headers).toBe('source=kafkajs');
    // Every key on a single partition, as kafkajs's partitioner put it.
    const partitionsByKey = new Map<string, Set<number>>();
    for (const { key, partition } of read) partitionsByKey.set(key, (partitionsByKey.get(key) ?? new Set()).add(partition));
    for (const [key, partitions] of partitionsByKey) expect(partitions.size, `key ${key}`).toBe(1);
  });

  it('kafkajs reads what kcat produced: keys, values and headers', async () => {
    const topic = await createTopic();
    const sent = Array.from({ length: 30 }, (_, seq) => ({
      key: `k-${seq % 7}`,
      value: JSON.stringify({ seq, text: `wind ${seq} km/h` }),
    }));
    await runKcat(
      ['-P', '-b', bootstrap, '-t', topic, '-K', '\t', '-H', 'source=kcat'],
      sent.map(({ key, value }) => `${key}\t${value}\n`).join(''),
    );

    const received = await consumeWithKafkajs(topic, sent.length);
    expect(received).toHaveLength(sent.length);
    const byValue = [...received].sort(
      (a, b) => (JSON.parse(a.value ?? '') as { seq: number }).seq - (JSON.parse(b.value ?? '') as { seq: number }).seq,
    );
    expect(byValue.map(({ key, value }) => ({ key, value }))).toEqual(sent);
    for (const message of received) expect(message.headers).toEqual({ source: 'kcat' });
  });

  it("librdkafka's murmur2 partitioner and kafkajs's default partitioner put a key on the same partition", async () => {
    // A pipeline whose producers mix clients keeps per-key order only if they agree on this.
    const keys = Array.from({ length: 50 }, (_, i) => `station-${i}`);
    const kafkajsTopic = await createTopic();
    const kcatTopic = await createTopic();
    const producer = await connectedProducer();
    await producer.send({ topic: kafkajsTopic, messages: keys.map((key) => ({ key, value: key })) });
    await runKcat(
      ['-P', '-b', bootstrap, '-t', kcatTopic, '-K', '\t', '-X', 'partitioner=murmur2_random'],
      keys.map((key) => `${key}\t${key}\n`).join(''),
    );

    const [fromKafkajs, fromKcat] = await Promise.all([
      consumeWithKafkajs(kafkajsTopic, keys.length),
      consumeWithKafkajs(kcatTopic, keys.length),
    ]);
    const partitionOf = (messages: readonly ReceivedMessage[]): Record<string, number> =>
      Object.fromEntries(messages.map((message) => [message.key ?? '', message.partition]));
    expect(new Set(Object.values(partitionOf(fromKafkajs))).size).toBe(PARTITIONS);
    expect(partitionOf(fromKcat)).toEqual(partitionOf(fromKafkajs));
  });
});
