import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaClient, KafkaMessage, TopicPartitionOffset } from '../../src/core/kafka/KafkaClient';
import { readMessages, type ReadMessagesOptions } from '../../src/core/kafka/readMessages';
import { createTestTopic, openTestClient } from './coreClientSupport';
import { uniqueName, waitUntil } from './kafkaTestSupport';

describe("the core's producer and consumers against a real broker", () => {
  let client: KafkaClient;
  beforeAll(async () => {
    client = await openTestClient();
  });
  afterAll(async () => {
    await client.close();
  });

  async function read(
    options: Omit<ReadMessagesOptions, 'onMessage'>,
  ): Promise<{ messages: KafkaMessage[]; result: Awaited<ReturnType<typeof readMessages>> }> {
    const messages: KafkaMessage[] = [];
    const result = await readMessages(client, { ...options, onMessage: (m) => messages.push(m) });
    return { messages, result };
  }

  it("returns each message's partition and offset; keys keep one partition; headers and nulls survive", async () => {
    const topic = await createTestTopic(client, 3);
    const producer = await client.producer();
    const sent = Array.from({ length: 60 }, (_, i) => ({
      key: `station-${i % 7}`,
      value: JSON.stringify({ seq: i }),
      headers: [
        { key: 'source', value: 'dagstream' },
        { key: 'trace', value: Buffer.from([0, 255, 1]) },
        { key: 'trace', value: 'second' },
      ],
    }));
    const produced = await producer.send(topic, [...sent, { key: null, value: null }]);
    expect(produced).toHaveLength(61);
    const partitionOfKey = new Map<string, number>();
    for (const [i, p] of produced.slice(0, 60).entries()) {
      const key = sent[i]!.key;
      expect(partitionOfKey.get(key) ?? p.partition).toBe(p.partition);
      partitionOfKey.set(key, p.partition);
    }
    // Offsets are exact: per partition they count up from 0 in the order given.
    for (const partition of [0, 1, 2]) {
      const offsets = produced.filter((p) => p.partition === partition).map((p) => p.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }

    const { messages, result } = await read({ topics: [topic], stopAtEnd: true });
    expect(result).toMatchObject({ count: 61, stoppedBy: 'end' });
    const byPosition = new Map(messages.map((m) => [`${m.partition}/${m.offset}`, m]));
    for (const [i, p] of produced.entries()) {
      const message = byPosition.get(`${p.partition}/${p.offset}`)!;
      if (i === 60) {
        expect(message).toMatchObject({ key: null, value: null, headers: [] });
        continue;
      }
      expect(message.key?.toString()).toBe(sent[i]!.key);
      expect(message.value?.toString()).toBe(sent[i]!.value);
      expect(message.headers.map((h) => [h.key, h.value])).toEqual([
        ['source', Buffer.from('dagstream')],
        ['trace', Buffer.from([0, 255, 1])],
        ['trace', Buffer.from('second')],
      ]);
    }
  });

  it('reads from explicit offsets, timestamps, earliest and latest, per partition', async () => {
    const topic = await createTestTopic(client, 2);
    const producer = await client.producer();
    const t0 = Date.UTC(2026, 5, 1, 12);
    // Partition p gets values p-0..p-9 with timestamps one minute apart.
    await producer.send(
      topic,
      [0, 1].flatMap((partition) =>
        Array.from({ length: 10 }, (_, i) => ({ partition, value: `${partition}-${i}`, timestamp: t0 + i * 60_000 })),
      ),
    );
    const values = (messages: KafkaMessage[]): string[] => messages.map((m) => m.value!.toString()).sort();

    expect(values((await read({ topics: [topic], start: { offset: 7 }, stopAtEnd: true })).messages)).toEqual([
      '0-7',
      '0-8',
      '0-9',
      '1-7',
      '1-8',
      '1-9',
    ]);
    expect(values((await read({ topics: [topic], start: { timestamp: t0 + 8 * 60_000 }, stopAtEnd: true })).messages)).toEqual([
      '0-8',
      '0-9',
      '1-8',
      '1-9',
    ]);
    expect(
      values((await read({ topics: [topic], start: { timestamp: t0 + 7.5 * 60_000 }, partitions: [1], stopAtEnd: true })).messages),
    ).toEqual(['1-8', '1-9']);
    expect((await read({ topics: [topic], start: 'earliest', stopAtEnd: true })).result.count).toBe(20);
    const latest = await read({ topics: [topic], start: 'latest', stopAtEnd: true });
    expect(latest.result).toMatchObject({ count: 0, stoppedBy: 'end' });

    // A consumer of explicit partitions: each from its own start.
    const consumer = client.assignedConsumer({
      partitions: [
        { topic, partition: 0, start: { offset: 9 } },
        { topic, partition: 1, start: { timestamp: t0 + 5 * 60_000 } },
      ],
    });
    const got: string[] = [];
    const assignment = await consumer.start((batch) => {
      for (const m of batch.messages) got.push(m.value!.toString());
      return Promise.resolve();
    });
    expect(assignment).toEqual([
      { topic, partition: 0 },
      { topic, partition: 1 },
    ]);
    await waitUntil(() => Promise.resolve(got.length >= 6), 30_000, 'six messages arrive');
    expect(got.sort()).toEqual(['0-9', '1-5', '1-6', '1-7', '1-8', '1-9']);
    expect(consumer.positions()).toEqual([
      { topic, partition: 0, offset: 10 },
      { topic, partition: 1, offset: 10 },
    ]);
    // New messages arrive on the running consumer; seek re-reads.
    await producer.send(topic, [{ partition: 0, value: '0-10' }]);
    await waitUntil(() => Promise.resolve(got.includes('0-10')), 30_000, 'the new message arrives');
    consumer.seek({ topic, partition: 1, offset: 8 });
    await waitUntil(() => Promise.resolve(got.filter((v) => v === '1-8').length === 2), 30_000, 'the sought messages arrive again');
    await consumer.close();
    await consumer.done;
  });

  it('stops at max messages mid-batch, at max time, and continues a group exactly where it stopped', async () => {
    const topic = await createTestTopic(client, 3);
    const producer = await client.producer();
    await producer.send(
      topic,
      Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 11}`, value: String(i) })),
    );
    const groupId = uniqueName('dagstream-test-group');

    const seen = new Set<string>();
    let total = 0;
    for (const batch of [100, 100, 150]) {
      const { messages, result } = await read({ topics: [topic], groupId, maxMessages: batch, stopAtEnd: true });
      for (const m of messages) seen.add(m.value!.toString());
      total += messages.length;
      expect(result.stoppedBy).toBe(total === 300 ? 'end' : 'max-messages');
    }
    // 100 + 100 + the remaining 100: nothing twice, nothing lost.
    expect(total).toBe(300);
    expect(seen.size).toBe(300);
    const admin = await client.admin();
    expect((await admin.describeGroup(groupId)).totalLag).toBe(0);

    const started = Date.now();
    const timed = await read({ topics: [topic], start: 'latest', maxMs: 700 });
    expect(timed.result).toMatchObject({ count: 0, stoppedBy: 'max-time' });
    expect(Date.now() - started).toBeLessThan(10_000);

    const aborted = new AbortController();
    setTimeout(() => aborted.abort(), 300);
    const cancelled = await read({ topics: [topic], start: 'latest', signal: aborted.signal });
    expect(cancelled.result.stoppedBy).toBe('aborted');
  });

  it('lets a sink resume from its own offsets on assignment, with batch control', async () => {
    const topic = await createTestTopic(client, 2);
    const producer = await client.producer();
    await producer.send(
      topic,
      Array.from({ length: 40 }, (_, i) => ({ partition: i % 2, value: String(i) })),
    );
    // As the exactly-once sink does: offsets kept elsewhere (its database) win over the group's.
    const stored: TopicPartitionOffset[] = [
      { topic, partition: 0, offset: 15 },
      { topic, partition: 1, offset: 18 },
    ];
    const consumer = client.groupConsumer({ groupId: uniqueName('dagstream-test-sink'), topics: [topic], onAssigned: () => stored });
    const firstOffsets = new Map<number, number>();
    let count = 0;
    await consumer.start(async (batch, control) => {
      if (!firstOffsets.has(batch.partition)) firstOffsets.set(batch.partition, batch.messages[0]!.offset);
      // Take one message per batch and ask for the rest again: positions follow exactly.
      count++;
      control.resumeAt(batch.messages[0]!.offset + 1);
      expect(control.isActive()).toBe(true);
      expect(batch.highWatermark).toBe(20);
      await control.heartbeat();
    });
    await waitUntil(() => Promise.resolve(count === 5 + 2), 30_000, 'the partitions are read from the stored offsets');
    expect(Object.fromEntries(firstOffsets)).toEqual({ 0: 15, 1: 18 });
    expect(consumer.positions()).toEqual([
      { topic, partition: 0, offset: 20 },
      { topic, partition: 1, offset: 20 },
    ]);
    await consumer.close();
  });

  it('splits large sends into requests the broker accepts, and gzips', async () => {
    const topic = await createTestTopic(client, 3);
    const producer = await client.producer();
    const value = 'x'.repeat(1024);
    // About 5 MB uncompressed: one request would exceed the broker's 1 MB per partition batch.
    const produced = await producer.send(
      topic,
      Array.from({ length: 5_000 }, (_, i) => ({ key: `k${i}`, value })),
    );
    expect(produced).toHaveLength(5_000);
    const gzipped = await producer.send(
      topic,
      Array.from({ length: 100 }, () => ({ value })),
      { compression: 'gzip', acks: 1 },
    );
    expect(gzipped.every((p) => p.offset !== null && p.offset >= 0)).toBe(true);
    const unacknowledged = await producer.send(topic, [{ value: 'fire and forget' }], { acks: 0 });
    expect(unacknowledged).toEqual([{ partition: expect.any(Number) as unknown, offset: null }]);
    const admin = await client.admin();
    await waitUntil(
      async () => (await admin.fetchOffsets(topic)).reduce((sum, o) => sum + o.high, 0) === 5_101,
      10_000,
      'all 5,101 are written',
    );
    for (const { partition } of await admin.fetchOffsets(topic)) {
      const offsets = produced.filter((p) => p.partition === partition).map((p) => p.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    const { messages, result } = await read({ topics: [topic], stopAtEnd: true });
    expect(result.count).toBe(5_101);
    expect(messages.filter((m) => m.value?.toString() === value)).toHaveLength(5_100);
    await expect(producer.send(topic, [{ value: 'x', partition: 3 }])).rejects.toThrow(
      'asks for partition 3, but the topic has partitions 0-2',
    );
    await expect(producer.send(uniqueName('dagstream-missing'), [{ value: 'x' }])).rejects.toThrow(
      /topic "dagstream-missing-\w+" does not exist/,
    );
  });
});
