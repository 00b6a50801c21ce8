import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaAdmin, KafkaClient, KafkaConsumer } from '../../src/core/kafka/KafkaClient';
import { KafkaClientError } from '../../src/core/kafka/KafkaClientError';
import { readMessages } from '../../src/core/kafka/readMessages';
import { openTestClient } from './coreClientSupport';
import { uniqueName, waitUntil } from './kafkaTestSupport';

describe("the core's Kafka admin against a real broker", () => {
  let client: KafkaClient;
  let admin: KafkaAdmin;
  beforeAll(async () => {
    client = await openTestClient();
    admin = await client.admin();
  });
  afterAll(async () => {
    await client.close();
  });

  it('creates, lists, describes and deletes a topic; a taken name and unknown topics are clear errors', async () => {
    const topic = uniqueName('dagstream-admin');
    await admin.createTopic({
      name: topic,
      partitions: 3,
      replicationFactor: 1,
      configs: { 'retention.ms': '3600000', 'cleanup.policy': 'delete' },
    });

    const listed = (await admin.listTopics()).find((t) => t.name === topic);
    expect(listed).toEqual({ name: topic, partitionCount: 3, replicationFactor: 1, internal: false });
    expect((await admin.listTopics()).some((t) => t.internal)).toBe(false);

    const producer = await client.producer();
    await producer.send(
      topic,
      [0, 1, 2, 3, 4].map((i) => ({ value: `m${i}`, partition: i % 3 })),
    );
    const description = await admin.describeTopic(topic);
    const brokerIds = (await admin.describeCluster()).brokers.map((b) => b.nodeId);
    expect(description.partitions.map((p) => [p.partition, p.low, p.high])).toEqual([
      [0, 0, 2],
      [1, 0, 2],
      [2, 0, 1],
    ]);
    for (const p of description.partitions) {
      expect(brokerIds).toContain(p.leader);
      expect(p.replicas).toEqual([p.leader]);
      expect(p.isr).toEqual([p.leader]);
    }
    const configs = Object.fromEntries(description.configs.map((c) => [c.name, c]));
    expect(configs['retention.ms']).toMatchObject({ value: '3600000', isDefault: false });
    expect(configs['segment.bytes']?.isDefault).toBe(true);

    const duplicate = await admin.createTopic({ name: topic }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(KafkaClientError);
    expect((duplicate as KafkaClientError).code).toBe('topic-exists');
    expect((duplicate as KafkaClientError).message).toContain(`topic "${topic}" already exists`);

    await admin.deleteTopics([topic]);
    await waitUntil(async () => !(await admin.listTopics()).some((t) => t.name === topic), 30_000, `${topic} is gone`);
    const started = Date.now();
    await expect(admin.describeTopic(topic)).rejects.toThrow(`topic "${topic}" does not exist`);
    await expect(admin.deleteTopics([topic])).rejects.toThrow(`"${topic}" does not exist, so nothing was deleted`);
    await expect(admin.createTopic({ name: uniqueName('dagstream-admin'), replicationFactor: 3 })).rejects.toThrow(
      'INVALID_REPLICATION_FACTOR',
    );
    // Unknown topics are answered from metadata, not after kafkajs's retries.
    expect(Date.now() - started).toBeLessThan(5_000);
    // The admin still works after asking about a topic that is gone.
    expect(Array.isArray(await admin.listGroups())).toBe(true);
  });

  it('describes a group with members and lag, refuses a reset while it is active and resets it afterwards', async () => {
    const topic = uniqueName('dagstream-admin');
    const groupId = uniqueName('dagstream-admin-group');
    await admin.createTopic({ name: topic, partitions: 2 });
    const producer = await client.producer();
    const firstBatchAt = Date.now();
    await producer.send(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ value: `early-${i}`, partition: i % 2, timestamp: firstBatchAt - 60_000 })),
    );
    await producer.send(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ value: `late-${i}`, partition: i % 2, timestamp: firstBatchAt })),
    );

    // Read 6 as the group and commit them: p0 and p1 then hold committed offsets below the end.
    const first = await readMessages(client, { topics: [topic], groupId, maxMessages: 6, onMessage: () => undefined });
    expect(first.count).toBe(6);

    // An active member: a group consumer that keeps running.
    const member: KafkaConsumer = client.groupConsumer({ groupId, topics: [topic] });
    let delivered = 0;
    await member.start((batch) => {
      delivered += batch.messages.length;
      return Promise.resolve();
    });
    await waitUntil(() => Promise.resolve(delivered === 14), 30_000, 'the member reads the remaining 14 messages');
    const active = await admin.describeGroup(groupId);
    expect(active.state).toBe('Stable');
    expect(active.members).toHaveLength(1);
    expect(active.members[0]!.clientId).toBe('dagstream-test');
    expect(active.members[0]!.assignment).toEqual([
      { topic, partition: 0 },
      { topic, partition: 1 },
    ]);
    expect(active.offsets.map((o) => [o.partition, o.endOffset, o.memberId])).toEqual([
      [0, 10, active.members[0]!.memberId],
      [1, 10, active.members[0]!.memberId],
    ]);
    // The 6 read first are committed; partitions the group never committed have no lag yet.
    expect(active.offsets.reduce((sum, o) => sum + (o.committedOffset ?? 0), 0)).toBe(6);
    expect(active.totalLag).toBe(active.offsets.reduce((sum, o) => sum + (o.committedOffset === null ? 0 : 10 - o.committedOffset), 0));
    expect((await admin.listGroups()).find((g) => g.groupId === groupId)).toEqual({
      groupId,
      state: 'Stable',
      protocolType: 'consumer',
      memberCount: 1,
    });

    const refused = await admin.resetGroupOffsets({ groupId, topic, to: 'earliest' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KafkaClientError);
    expect((refused as KafkaClientError).code).toBe('group-active');
    expect((refused as KafkaClientError).message).toMatch(
      new RegExp(
        `^Cannot reset the offsets of consumer group "${groupId}" \\(profile "default"\\): it has 1 active member \\(dagstream-test on .+\\), state Stable\\. Stop its consumers first`,
      ),
    );

    // The member commits what it read, then leaves.
    await member.commit(member.positions());
    await member.close();
    const idle = await admin.describeGroup(groupId);
    expect(idle.state).toBe('Empty');
    expect(idle.members).toEqual([]);
    expect(idle.offsets.map((o) => [o.partition, o.committedOffset, o.lag])).toEqual([
      [0, 10, 0],
      [1, 10, 0],
    ]);

    const dryRun = await admin.resetGroupOffsets({ groupId, topic, to: 'earliest', dryRun: true });
    expect(dryRun.map((c) => [c.partition, c.previousOffset, c.newOffset])).toEqual([
      [0, 10, 0],
      [1, 10, 0],
    ]);
    expect((await admin.describeGroup(groupId)).totalLag).toBe(0);

    await admin.resetGroupOffsets({ groupId, topic, to: 'earliest' });
    expect((await admin.describeGroup(groupId)).offsets.map((o) => o.committedOffset)).toEqual([0, 0]);
    await admin.resetGroupOffsets({ groupId, topic, to: { timestamp: firstBatchAt - 1 } });
    expect((await admin.describeGroup(groupId)).offsets.map((o) => o.committedOffset)).toEqual([5, 5]);
    await admin.resetGroupOffsets({ groupId, topic, to: { offset: 7 }, partitions: [1] });
    expect((await admin.describeGroup(groupId)).offsets.map((o) => [o.committedOffset, o.lag])).toEqual([
      [5, 5],
      [7, 3],
    ]);
    await admin.resetGroupOffsets({ groupId, topic, to: 'latest' });
    expect((await admin.describeGroup(groupId)).totalLag).toBe(0);
    await expect(admin.resetGroupOffsets({ groupId, topic, to: 'earliest', partitions: [5] })).rejects.toThrow(
      'has no partition 5 (it has 2: 0-1)',
    );

    // What the reset set is what a group reader starts from.
    await admin.resetGroupOffsets({ groupId, topic, to: { offset: 8 } });
    const values: string[] = [];
    await readMessages(client, { topics: [topic], groupId, stopAtEnd: true, onMessage: (m) => values.push(m.value!.toString()) });
    expect(values.sort()).toEqual(['late-6', 'late-7', 'late-8', 'late-9']);

    await admin.deleteGroups([groupId]);
    expect((await admin.listGroups()).some((g) => g.groupId === groupId)).toBe(false);
    await admin.deleteTopics([topic]);
  });

  it('looks up offsets for timestamps and leaves no reader groups behind', async () => {
    const topic = uniqueName('dagstream-admin');
    await admin.createTopic({ name: topic, partitions: 1 });
    const producer = await client.producer();
    const t0 = Date.UTC(2026, 0, 1);
    await producer.send(
      topic,
      [0, 1, 2, 3].map((i) => ({ value: String(i), timestamp: t0 + i * 1000 })),
    );
    const at = async (timestamp: number): Promise<number> => (await admin.fetchOffsetsForTimestamp(topic, timestamp))[0]!.offset;
    expect(await at(t0 - 1)).toBe(0);
    expect(await at(t0 + 1500)).toBe(2);
    expect(await at(t0 + 10_000)).toBe(4); // none at or after: the end offset
    expect(await admin.resolveStart(topic, { offset: 99 })).toEqual([{ topic, partition: 0, offset: 4 }]);

    const before = new Set((await admin.listGroups()).map((g) => g.groupId));
    await readMessages(client, { topics: [topic], stopAtEnd: true, onMessage: () => undefined });
    const after = (await admin.listGroups()).map((g) => g.groupId).filter((g) => !before.has(g));
    expect(after).toEqual([]);
    await admin.deleteTopics([topic]);
  });
});
