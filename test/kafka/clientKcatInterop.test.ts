import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertPrerequisites, KCAT } from '../../scripts/checkPrerequisites';
import type { KafkaClient, KafkaMessage } from '../../src/core/kafka/KafkaClient';
import { readMessages } from '../../src/core/kafka/readMessages';
import { createTestTopic, openTestClient, runKcat, testBrokers } from './coreClientSupport';

// kcat (librdkafka) is a client we did not write: what survives a trip between it and the core's
// client, keys, headers and partitions included, proves the wire format, not kafkajs talking to itself.
describe("interoperability between the core's client and kcat", () => {
  let client: KafkaClient;
  const bootstrap = (): string => testBrokers().join(',');
  beforeAll(async () => {
    assertPrerequisites('run the kcat interoperability tests', [KCAT]);
    client = await openTestClient();
  });
  afterAll(async () => {
    await client.close();
  });

  it('kcat reads what Dagstream produced: keys, JSON values, headers, partitions and offsets', async () => {
    const topic = await createTestTopic(client, 3);
    const producer = await client.producer();
    const sent = Array.from({ length: 30 }, (_, seq) => ({
      key: `station-${seq % 7}`,
      value: JSON.stringify({ seq, text: `héllo ${seq}` }),
      headers: [
        { key: 'source', value: 'dagstream' },
        { key: 'seq', value: String(seq) },
      ],
    }));
    const produced = await producer.send(topic, sent);

    const stdout = await runKcat(['-C', '-b', bootstrap(), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\t%o\t%k\t%h\t%s\n']);
    const lines = stdout.split('\n').filter((line) => line.length > 0);
    expect(lines).toHaveLength(30);
    const read = new Map(
      lines.map((line) => {
        const [partition = '', offset = '', key = '', headers = '', ...value] = line.split('\t');
        return [`${partition}/${offset}`, { key, headers, value: value.join('\t') }] as const;
      }),
    );
    for (const [i, { partition, offset }] of produced.entries()) {
      expect(read.get(`${partition}/${offset}`)).toEqual({
        key: sent[i]!.key,
        headers: `source=dagstream,seq=${i}`,
        value: sent[i]!.value,
      });
    }
  });

  it('Dagstream reads what kcat produced: keys, values, several headers, and the same partition per key', async () => {
    const topic = await createTestTopic(client, 3);
    const keys = Array.from({ length: 40 }, (_, i) => `station-${i}`);
    await runKcat(
      ['-P', '-b', bootstrap(), '-t', topic, '-K', '\t', '-H', 'source=kcat', '-H', 'schema=v1', '-X', 'partitioner=murmur2_random'],
      keys.map((key, i) => `${key}\t{"seq":${i},"wind":"${i} km/h"}\n`).join(''),
    );
    const messages: KafkaMessage[] = [];
    const result = await readMessages(client, { topics: [topic], stopAtEnd: true, onMessage: (m) => messages.push(m) });
    expect(result.count).toBe(40);
    for (const message of messages) {
      const value = JSON.parse(message.value!.toString()) as { seq: number; wind: string };
      expect(message.key?.toString()).toBe(keys[value.seq]);
      expect(value.wind).toBe(`${value.seq} km/h`);
      expect(message.headers.map((h) => [h.key, h.value.toString()])).toEqual([
        ['source', 'kcat'],
        ['schema', 'v1'],
      ]);
      expect(message.timestamp).toBeGreaterThan(Date.now() - 120_000);
    }
    // librdkafka's murmur2 partitioner and ours agree, so producers may be mixed per key.
    const producer = await client.producer();
    const ours = await producer.send(
      topic,
      keys.map((key) => ({ key, value: key })),
    );
    const theirs = new Map(messages.map((m) => [m.key!.toString(), m.partition]));
    expect(ours.map((p, i) => [keys[i], p.partition])).toEqual(keys.map((key) => [key, theirs.get(key)]));
  });
});
