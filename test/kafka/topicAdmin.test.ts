import { logLevel, type Admin, type Producer } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { testKafka, testProducer, uniqueName, waitUntil } from './kafkaTestSupport';

describe('kafkajs admin against a real broker', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function connectedAdmin(): Promise<Admin> {
    const admin = testKafka('topic-admin-test').admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    return admin;
  }

  async function connectedProducer(): Promise<Producer> {
    const producer = testProducer(testKafka('topic-admin-test-producer'));
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    return producer;
  }

  it('creates, lists, describes and deletes a topic with 3 partitions', async () => {
    const admin = await connectedAdmin();
    const topic = uniqueName('dagstream-test');
    let deleted = false;
    cleanups.push(async () => {
      if (!deleted) await admin.deleteTopics({ topics: [topic] });
    });

    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);
    // kafkajs answers false, not an error, when the topic is already there. Its client logs the
    // broker's TOPIC_ALREADY_EXISTS at ERROR, which here is the expected answer, hence a silent one.
    const silentAdmin = testKafka('topic-admin-test-duplicate', logLevel.NOTHING).admin();
    await silentAdmin.connect();
    try {
      expect(await silentAdmin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] })).toBe(false);
    } finally {
      await silentAdmin.disconnect();
    }
    expect(await admin.listTopics()).toContain(topic);

    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics).toHaveLength(1);
    const [described] = metadata.topics;
    expect(described?.name).toBe(topic);
    const partitions = [...(described?.partitions ?? [])].sort((a, b) => a.partitionId - b.partitionId);
    expect(partitions.map((partition) => partition.partitionId)).toEqual([0, 1, 2]);
    for (const partition of partitions) {
      expect(partition.partitionErrorCode).toBe(0);
      expect(partition.leader).toBeGreaterThanOrEqual(0);
      expect(partition.replicas).toEqual([partition.leader]);
      expect(partition.isr).toEqual([partition.leader]);
    }

    const empty = await admin.fetchTopicOffsets(topic);
    expect(empty.map(({ partition, low, high }) => ({ partition, low, high })).sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, low: '0', high: '0' },
      { partition: 1, low: '0', high: '0' },
      { partition: 2, low: '0', high: '0' },
    ]);

    // Offsets move only on the partition written to.
    const producer = await connectedProducer();
    await producer.send({ topic, messages: [0, 1, 2].map((i) => ({ partition: 1, value: `message ${i}` })) });
    const afterSend = await admin.fetchTopicOffsets(topic);
    expect(Object.fromEntries(afterSend.map(({ partition, high }) => [partition, high]))).toEqual({ 0: '0', 1: '3', 2: '0' });

    await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
    deleted = true;
    // Deletion is applied through the controller's metadata log; brokers see it a moment later.
    await waitUntil(async () => !(await admin.listTopics()).includes(topic), 30_000, `${topic} disappears from the topic list`);
  });
});
