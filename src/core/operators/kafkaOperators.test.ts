import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../dag/dagFile';
import { createTestRunContext, removeTestWorkspaces } from '../executor/createTestRunContext';
import type { KafkaAdmin, KafkaClient, KafkaProducer, OutgoingMessage, SendOptions } from '../kafka/KafkaClient';
import type { KafkaClientFactory } from '../kafka/openKafkaClient';
import { createKafkaConsumeOperator } from './kafkaConsumeOperator';
import { createKafkaProduceOperator } from './kafkaProduceOperator';

afterAll(() => removeTestWorkspaces());

interface Sent {
  topic: string;
  messages: readonly OutgoingMessage[];
  options: SendOptions | undefined;
}

/** A client whose producer records what it is given; `hang` makes every call wait forever. */
function fakeClient(options: { hang?: boolean } = {}): {
  factory: KafkaClientFactory;
  sent: Sent[];
  closed: () => boolean;
  profiles: string[];
} {
  const sent: Sent[] = [];
  const profiles: string[] = [];
  let closed = false;
  const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
  const producer: KafkaProducer = {
    send: (topic, messages, sendOptions) => {
      if (options.hang) return never();
      sent.push({ topic, messages, options: sendOptions });
      return Promise.resolve(messages.map((_, i) => ({ partition: i % 2, offset: 100 + Math.floor(i / 2) })));
    },
    close: () => Promise.resolve(),
  };
  const client: KafkaClient = {
    profileName: 'default',
    brokers: ['fake:9092'],
    admin: () => (options.hang ? never<KafkaAdmin>() : Promise.reject(new Error('no admin in this fake'))),
    producer: () => (options.hang ? never() : Promise.resolve(producer)),
    groupConsumer: () => {
      throw new Error('no consumers in this fake');
    },
    assignedConsumer: () => {
      throw new Error('no consumers in this fake');
    },
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
  return {
    factory: (profile) => {
      profiles.push(profile);
      return Promise.resolve(client);
    },
    sent,
    closed: () => closed,
    profiles,
  };
}

const produceTask: TaskSpec = {
  task_id: 'publish',
  operator: 'kafka.produce',
  kafka_config_id: 'prod',
  topic: 'weather',
  messages: [{ station: 'a' }, { station: 'b' }, { station: 'c' }],
  key: '{{ message.station }}',
  acks: 1,
};

describe('kafka.produce', () => {
  it("sends the messages through the profile's client and returns counts and offsets per partition", async () => {
    const fake = fakeClient();
    const context = createTestRunContext({ taskId: 'publish' });
    const outcome = await createKafkaProduceOperator(fake.factory).start(produceTask, context).outcome;
    expect(outcome).toMatchObject({
      state: 'success',
      xcom: {
        topic: 'weather',
        count: 3,
        partitions: [
          { partition: 0, count: 2, first_offset: 100, last_offset: 101 },
          { partition: 1, count: 1, first_offset: 100, last_offset: 100 },
        ],
      },
    });
    expect(fake.profiles).toEqual(['prod']);
    expect(fake.sent[0]!.messages.map((m) => m.key)).toEqual(['a', 'b', 'c']);
    expect(fake.sent[0]!.options).toEqual({ acks: 1, compression: 'none' });
    expect(fake.closed()).toBe(true);
    const log = readFileSync(context.logFile, 'utf8');
    expect(log).toContain('Producing 3 message(s) to topic "weather" (profile "prod", acks 1, compression none)');
    expect(log).toContain('Wrote 3 message(s)');
  });

  it('fails before connecting when an argument is wrong', async () => {
    const fake = fakeClient();
    const outcome = await createKafkaProduceOperator(fake.factory).start({ ...produceTask, acks: 5 }, createTestRunContext()).outcome;
    expect(outcome).toMatchObject({ state: 'failed', error: expect.stringContaining('argument "acks"') as unknown });
    expect(fake.profiles).toEqual([]);
  });

  it('stops at once when killed, even while a request hangs, and closes the client', async () => {
    const fake = fakeClient({ hang: true });
    const running = createKafkaProduceOperator(fake.factory).start(produceTask, createTestRunContext());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    running.kill('Killed by the user');
    expect(await running.outcome).toEqual({ state: 'failed', error: 'Killed by the user' });
    // The request never answers: only a prompt stop ends the try (loose bound for a loaded machine).
    expect(Date.now() - started).toBeLessThan(3000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.closed()).toBe(true);
  });
});

describe('kafka.consume', () => {
  it('times out by execution_timeout while the cluster does not answer', async () => {
    const fake = fakeClient({ hang: true });
    const outcome = await createKafkaConsumeOperator(fake.factory).start(
      { task_id: 'read', operator: 'kafka.consume', topics: ['weather'] },
      createTestRunContext({ executionTimeoutMs: 200 }),
    ).outcome;
    expect(outcome).toEqual({ state: 'failed', error: 'Timed out after 200ms (execution_timeout)', timedOut: true });
  });

  it('reports a connection failure as the task error', async () => {
    const fake = fakeClient();
    const outcome = await createKafkaConsumeOperator(fake.factory).start(
      { task_id: 'read', operator: 'kafka.consume', topics: ['weather'] },
      createTestRunContext(),
    ).outcome;
    expect(outcome).toEqual({ state: 'failed', error: 'no admin in this fake' });
    expect(fake.closed()).toBe(true);
  });
});
