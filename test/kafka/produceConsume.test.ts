import type { Admin, Producer } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { startGroupConsumer, testKafka, testProducer, uniqueName, type GroupConsumer, type ReceivedMessage } from './kafkaTestSupport';

const MESSAGE_COUNT = 1_000;
/** 1,000 messages over 40 keys: 25 per key, so "same key, same partition, in order" is testable. */
const KEY_COUNT = 40;
const PARTITIONS = 3;

interface WeatherEvent {
  readonly seq: number;
  readonly key: string;
  readonly city: string;
  readonly temperatureC: number;
  readonly observedAt: string;
}

function eventFor(seq: number): WeatherEvent {
  return {
    seq,
    key: `k-${seq % KEY_COUNT}`,
    city: `city-${seq % KEY_COUNT}`,
    // `|| 0`: JSON has no -0, and the round trip must compare equal.
    temperatureC: (Math.round(Math.sin(seq) * 400) || 0) / 10,
    observedAt: new Date(Date.UTC(2025, 0, 1) + seq * 60_000).toISOString(),
  };
}

describe('kafkajs producer and consumer against a real broker', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function connectedAdmin(clientId: string): Promise<Admin> {
    const admin = testKafka(clientId).admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    return admin;
  }

  async function connectedProducer(clientId: string): Promise<Producer> {
    const producer = testProducer(testKafka(clientId));
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    return producer;
  }

  it('delivers 1,000 keyed JSON messages exactly once, each key on one partition in order', async () => {
    const topic = uniqueName('dagstream-test');
    const admin = await connectedAdmin('produce-consume-admin');
    cleanups.push(async () => {
      await admin.deleteTopics({ topics: [topic] });
    });
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true })).toBe(
      true,
    );

    const producer = await connectedProducer('produce-consume-producer');
    const sent = Array.from({ length: MESSAGE_COUNT }, (_, seq) => eventFor(seq));
    // Batches of 100, sent one after another: per-key order is only promised for sequential sends.
    for (let start = 0; start < sent.length; start += 100) {
      await producer.send({
        topic,
        messages: sent.slice(start, start + 100).map((event) => ({ key: event.key, value: JSON.stringify(event) })),
      });
    }

    const consumer: GroupConsumer = await startGroupConsumer(testKafka('produce-consume-consumer'), {
      groupId: uniqueName('dagstream-test-group'),
      topics: [topic],
    });
    cleanups.push(() => consumer.disconnect());
    const received = await consumer.waitForCount(MESSAGE_COUNT);

    // Exactly once: as many as were sent, every seq once, and each partition's offsets 0..n-1 with no gap or repeat.
    expect(received).toHaveLength(MESSAGE_COUNT);
    const bySeq = new Map<number, ReceivedMessage>();
    for (const message of received) {
      const event = JSON.parse(message.value ?? 'null') as WeatherEvent;
      expect(bySeq.has(event.seq), `seq ${event.seq} arrived twice`).toBe(false);
      bySeq.set(event.seq, message);
      expect(event).toEqual(sent[event.seq]);
      expect(message.key).toBe(event.key);
    }
    expect([...bySeq.keys()].sort((a, b) => a - b)).toEqual(sent.map((event) => event.seq));

    const offsetsByPartition = groupBy(received, (message) => message.partition);
    expect([...offsetsByPartition.keys()].sort()).toEqual([0, 1, 2]);
    for (const messages of offsetsByPartition.values()) {
      const offsets = messages.map((message) => message.offset).sort((a, b) => a - b);
      expect(offsets).toEqual(offsets.map((_, index) => index));
    }

    // Same key, same partition, and within it offsets follow the order the messages were sent in.
    for (const [key, messages] of groupBy(received, (message) => message.key ?? '')) {
      expect(new Set(messages.map((message) => message.partition)).size, `key ${key} spread over partitions`).toBe(1);
      const seqsInOffsetOrder = [...messages]
        .sort((a, b) => a.offset - b.offset)
        .map((message) => (JSON.parse(message.value ?? 'null') as WeatherEvent).seq);
      expect(seqsInOffsetOrder).toEqual([...seqsInOffsetOrder].sort((a, b) => a - b));
      expect(seqsInOffsetOrder).toHaveLength(MESSAGE_COUNT / KEY_COUNT);
    }

    // The broker agrees: high watermarks add up to what was sent.
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(MESSAGE_COUNT);
  });
});

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
