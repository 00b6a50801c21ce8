import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRunContext, removeTestWorkspaces } from '../../src/core/executor/createTestRunContext';
import type { TaskProgress } from '../../src/core/executor/taskExecution';
import type { KafkaClient } from '../../src/core/kafka/KafkaClient';
import { createKafkaConsumeOperator } from '../../src/core/operators/kafkaConsumeOperator';
import { createTestTopic, openTestClient, testBrokers } from './coreClientSupport';

describe('kafka.consume progress', () => {
  let client: KafkaClient;
  beforeAll(async () => {
    client = await openTestClient();
  });
  afterAll(async () => {
    await client.close();
    removeTestWorkspaces();
  });

  it('reports the messages read and the next offset of each partition', async () => {
    const topic = await createTestTopic(client, 3);
    const producer = await client.producer();
    await producer.send(
      topic,
      Array.from({ length: 60 }, (_, n) => ({ key: `k${n}`, value: JSON.stringify({ n }) })),
    );
    await producer.close();
    const progress: TaskProgress[] = [];
    const context = createTestRunContext({ reportProgress: (p) => progress.push(p) });
    const outcome = await createKafkaConsumeOperator((_name, options) => openTestClient(testBrokers(), options?.logger)).start(
      { task_id: 'read', operator: 'kafka.consume', topics: topic, max_messages: 1000 },
      context,
    ).outcome;
    expect(outcome.state).toBe('success');
    const last = progress.at(-1)!;
    expect(last.messages).toBe(60);
    const ends = await (await client.admin()).fetchOffsets(topic);
    expect(last.offsets).toEqual(Object.fromEntries(ends.filter((o) => o.high > 0).map((o) => [`${topic}/${o.partition}`, o.high])));
  });
});
