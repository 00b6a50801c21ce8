import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaBroker, stopKafkaBroker, type RunningBroker } from '../../scripts/kafka/kafkaBroker';
import type { KafkaClient, KafkaConsumer } from '../../src/core/kafka/KafkaClient';
import { readMessages } from '../../src/core/kafka/readMessages';
import { createTestTopic, openTestClient } from './coreClientSupport';
import { uniqueName, waitUntil } from './kafkaTestSupport';

const MESSAGES = 1_000;
const BATCH = 50;

// Its own broker: stopping the run's shared one would break every other suite running beside it.
describe('a broker restart in the middle of producing and consuming', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let stoppedPid: number | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dagstream-kafka-restart-'));
    broker = await startKafkaBroker({ dataDir });
  });
  afterAll(async () => {
    await stopKafkaBroker(broker.pid);
    if (stoppedPid !== undefined) await stopKafkaBroker(stoppedPid);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reconnects the producer and the group consumer without losing a message', async () => {
    const warnings: string[] = [];
    const client: KafkaClient = await openTestClient([broker.bootstrap], (level, message) => {
      if (level === 'warn' || level === 'error') warnings.push(message);
    });
    try {
      const topic = await createTestTopic(client, 3);
      const groupId = uniqueName('dagstream-restart-group');
      const received = new Map<number, number>();
      const consumer: KafkaConsumer = client.groupConsumer({ groupId, topics: [topic], sessionTimeoutMs: 10_000 });
      await consumer.start((batch) => {
        for (const m of batch.messages) {
          const seq = Number(m.value!.toString());
          received.set(seq, (received.get(seq) ?? 0) + 1);
        }
        return Promise.resolve();
      });

      const producer = await client.producer();
      let restartedAt = 0;
      let firstSendAfterRestart = 0;
      const restart = (async () => {
        await waitUntil(() => Promise.resolve(received.size >= MESSAGES / 4), 60_000, 'a quarter of the messages are consumed');
        stoppedPid = broker.pid;
        await stopKafkaBroker(broker.pid); // SIGTERM: a clean shutdown, as a restart by an operator
        stoppedPid = undefined;
        await delay(1_000);
        const previous = broker.bootstrap;
        broker = await startKafkaBroker({ dataDir });
        restartedAt = Date.now();
        expect(broker.bootstrap).toBe(previous); // the client only knows this address
      })();
      for (let start = 0; start < MESSAGES; start += BATCH) {
        const sendStarted = Date.now();
        await producer.send(
          topic,
          Array.from({ length: BATCH }, (_, i) => ({ key: `k${(start + i) % 13}`, value: String(start + i) })),
        );
        if (restartedAt > 0 && firstSendAfterRestart === 0 && sendStarted < restartedAt) firstSendAfterRestart = Date.now();
        await delay(20);
      }
      await restart;

      await waitUntil(
        () => Promise.resolve(received.size === MESSAGES),
        120_000,
        `all ${MESSAGES} messages are consumed (have ${received.size})`,
      );
      const duplicates = [...received.values()].reduce((sum, n) => sum + n - 1, 0);
      await consumer.close();

      // The topic holds every message (a retried send may add a duplicate, never lose one).
      const inTopic = new Set<number>();
      let stored = 0;
      await readMessages(client, {
        topics: [topic],
        stopAtEnd: true,
        onMessage: (m) => {
          stored++;
          inTopic.add(Number(m.value!.toString()));
        },
      });
      expect(inTopic.size).toBe(MESSAGES);
      console.log(
        `Broker restart: producer resumed ${firstSendAfterRestart > 0 ? `${firstSendAfterRestart - restartedAt} ms` : 'without waiting'} after the broker was back; ` +
          `${stored - MESSAGES} duplicate(s) written, ${duplicates} delivered twice; ${warnings.length} client warning(s), e.g. ${warnings[0] ?? '-'}`,
      );
    } finally {
      await client.close();
    }
  }, 240_000);
});
