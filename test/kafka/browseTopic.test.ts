import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaClient, KafkaMessage } from '../../src/core/kafka/KafkaClient';
import { browseTopic, type BrowseProgress } from '../../src/core/kafka/browseTopic';
import { compileMessageFilter } from '../../src/core/kafka/messageFilter';
import { createTestTopic, openTestClient } from './coreClientSupport';

/** Collects pages until `until` holds; returns what was delivered and the last progress. */
function collector() {
  const messages: KafkaMessage[] = [];
  let progress: BrowseProgress | undefined;
  let pages = 0;
  const waiters: Array<() => void> = [];
  return {
    messages,
    get progress() {
      return progress;
    },
    get pages() {
      return pages;
    },
    onPage: (page: readonly KafkaMessage[], p: BrowseProgress) => {
      messages.push(...page);
      progress = p;
      pages++;
      for (const wake of waiters.splice(0)) wake();
    },
    async until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out; delivered ${messages.length}, progress ${JSON.stringify(progress)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}

describe('browseTopic (the message browser reading a real broker)', () => {
  let client: KafkaClient;
  let topic: string;

  beforeAll(async () => {
    client = await openTestClient();
    topic = await createTestTopic(client, 3, 'browse');
    const producer = await client.producer();
    await producer.send(
      topic,
      Array.from({ length: 3_000 }, (_, i) => ({
        key: `k${i % 10}`,
        value: JSON.stringify({ id: i, city: i % 3 === 0 ? 'Paris' : 'Oslo', temp: i % 40 }),
        headers: [{ key: 'source', value: 'test' }],
        partition: i % 3,
        timestamp: 1_700_000_000_000 + i * 1_000,
      })),
    );
    await producer.close();
  });

  afterAll(async () => {
    await client.close();
  });

  it('reads every message from the earliest offsets in pages, says when it is caught up, then tails new ones', async () => {
    const c = collector();
    const browse = await browseTopic(client, { topic, start: 'earliest', maxMessages: 100_000, pageSize: 500, onPage: c.onPage });
    try {
      await c.until(() => c.progress?.caughtUp === true && c.messages.length === 3_000);
      expect(c.pages).toBeGreaterThanOrEqual(6);
      expect(new Set(c.messages.map((m) => `${m.partition}:${m.offset}`)).size).toBe(3_000);

      const producer = await client.producer();
      await producer.send(topic, [{ key: 'live', value: '{"id":"live"}', partition: 1 }]);
      await c.until(() => c.messages.some((m) => m.key?.toString() === 'live'));

      browse.pause();
      await producer.send(topic, [{ key: 'held', value: '{"id":"held"}', partition: 2 }]);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(c.messages.some((m) => m.key?.toString() === 'held')).toBe(false);
      browse.resume();
      await c.until(() => c.messages.some((m) => m.key?.toString() === 'held'));
      await producer.close();
    } finally {
      await browse.close();
    }
  });

  it('starts at an offset or a timestamp, on chosen partitions, with a JSON-path filter', async () => {
    const fromOffset = collector();
    const a = await browseTopic(client, {
      topic,
      start: { offset: 990 },
      partitions: [0],
      maxMessages: 100_000,
      onPage: fromOffset.onPage,
    });
    await fromOffset.until(() => fromOffset.progress?.caughtUp === true);
    await a.close();
    expect(fromOffset.messages.every((m) => m.partition === 0 && m.offset >= 990)).toBe(true);
    expect(fromOffset.messages.map((m) => m.offset).slice(0, 3)).toEqual([990, 991, 992]);

    // Message i has timestamp base + i s; i = 2700 is the first at or after base + 2700 s.
    const fromTime = collector();
    const b = await browseTopic(client, {
      topic,
      start: { timestamp: 1_700_000_000_000 + 2_700_000 },
      maxMessages: 100_000,
      onPage: fromTime.onPage,
    });
    await fromTime.until(() => fromTime.progress?.caughtUp === true);
    await b.close();
    const ids = fromTime.messages
      .map((m) => (JSON.parse(m.value!.toString()) as { id: number | string }).id)
      .filter((id) => typeof id === 'number');
    expect(Math.min(...(ids as number[]))).toBe(2_700);
    expect(ids).toHaveLength(300);

    const compiled = compileMessageFilter({ jsonPath: '$.city == Paris', text: 'k3' });
    if ('error' in compiled) throw new Error(compiled.error);
    const filtered = collector();
    const f = await browseTopic(client, {
      topic,
      start: 'earliest',
      filter: compiled.predicate,
      maxMessages: 100_000,
      onPage: filtered.onPage,
    });
    await filtered.until(() => filtered.progress?.caughtUp === true);
    await f.close();
    // Paris is i % 3 == 0, key k3 is i % 10 == 3: i % 30 == 3, 100 of 3,000.
    expect(filtered.messages).toHaveLength(100);
    expect(filtered.progress!.scanned).toBeGreaterThanOrEqual(3_000);
  });

  it('stops at maxMessages and says the view is full', async () => {
    const c = collector();
    const browse = await browseTopic(client, { topic, start: 'earliest', maxMessages: 250, onPage: c.onPage });
    await c.until(() => c.progress?.full === true);
    await browse.close();
    expect(c.messages).toHaveLength(250);
  });

  it('names the partitions a topic lacks', async () => {
    await expect(
      browseTopic(client, { topic, start: 'earliest', partitions: [7], maxMessages: 10, onPage: () => undefined }),
    ).rejects.toThrow(/has no partition 7 \(it has 3: 0-2\)/);
  });
});
