import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaClient } from '../../src/core/kafka/KafkaClient';
import { createTestTopic, openTestClient, runDagstream } from './coreClientSupport';
import { uniqueName } from './kafkaTestSupport';

interface RunSummary {
  state: string;
  run_id: string;
  tasks: Record<string, { state: string; xcom: unknown }>;
}

interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: unknown;
  value: unknown;
  headers: Record<string, string>;
}

/** The pipeline of the product's article in small: extract -> publish -> consume, run by `dagstream test`. */
function pipeline(groupId: string): object {
  return {
    version: 1,
    dag_id: 'kafka_round_trip',
    schedule: null,
    start_date: '2026-01-01',
    params: { topic: { type: 'string', default: 'unset' } },
    tasks: [
      {
        task_id: 'extract',
        operator: 'node',
        code: "export default async function () {\n  return ['lisbon', 'porto', 'faro'].map((station, i) => ({ station, temperature_c: 30 + i }));\n}\n",
      },
      {
        task_id: 'publish',
        operator: 'kafka.produce',
        topic: '{{ params.topic }}',
        messages: "{{ ti.xcom_pull('extract') }}",
        key: '{{ message.station }}',
        headers: { run_id: '{{ run_id }}' },
        upstream: ['extract'],
      },
      {
        task_id: 'read',
        operator: 'kafka.consume',
        topics: ['{{ params.topic }}'],
        group_id: groupId,
        max_messages: 100,
        max_seconds: 60,
        upstream: ['publish'],
      },
    ],
  };
}

describe('kafka.produce -> kafka.consume in a DAG run by `dagstream test`', () => {
  let client: KafkaClient;
  const workspace = mkdtempSync(join(tmpdir(), 'dagstream-kafka-dag-'));
  beforeAll(async () => {
    client = await openTestClient();
  });
  afterAll(async () => {
    await client.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  /** The try's log, as `dagstream logs` prints it. */
  async function taskLog(runId: string, taskId: string): Promise<string> {
    const result = await runDagstream(['logs', 'kafka_round_trip', runId, taskId, '--workspace', workspace], { main: true });
    if (result.code !== 0) throw new Error(`dagstream logs failed (exit ${result.code}):\n${result.stderr}`);
    return result.stdout;
  }

  async function runDag(topic: string, groupId: string): Promise<RunSummary> {
    const file = join(workspace, 'kafka_round_trip.dag.json');
    writeFileSync(file, JSON.stringify(pipeline(groupId), null, 2));
    const result = await runDagstream(['test', file, '--workspace', workspace, '--json', '--param', `topic=${topic}`], { main: true });
    const last = result.stdout.trim().split('\n').at(-1) ?? '';
    if (!last.startsWith('{'))
      throw new Error(`dagstream test printed no run summary (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
    return JSON.parse(last) as RunSummary;
  }

  it('publishes an upstream XCom keyed per message, and the consumer returns it; a second run reads only what is new', async () => {
    const topic = await createTestTopic(client, 3);
    const groupId = uniqueName('dagstream-dag-group');
    const first = await runDag(topic, groupId);
    expect(first.state, JSON.stringify(first.tasks)).toBe('success');

    const published = first.tasks.publish!.xcom as { topic: string; count: number; partitions: { partition: number; count: number }[] };
    expect(published.topic).toBe(topic);
    expect(published.count).toBe(3);
    expect(published.partitions.reduce((sum, p) => sum + p.count, 0)).toBe(3);

    const consumed = first.tasks.read!.xcom as ConsumedMessage[];
    expect(consumed.map((m) => m.key).sort()).toEqual(['faro', 'lisbon', 'porto']);
    for (const message of consumed) {
      expect(message.value).toEqual({ station: message.key, temperature_c: expect.any(Number) as unknown });
      expect(message.headers).toEqual({ run_id: first.run_id });
      expect(message.topic).toBe(topic);
    }
    const log = await taskLog(first.run_id, 'read');
    expect(log).toContain(`Reading "${topic}" (profile "default") as consumer group "${groupId}"`);
    expect(log).toContain('Read 3 message(s)');
    expect(log).toContain('caught up with the end offsets seen at the start');

    // The group committed: the next run reads only the next run's messages.
    const second = await runDag(topic, groupId);
    expect(second.state).toBe('success');
    const again = second.tasks.read!.xcom as ConsumedMessage[];
    expect(again).toHaveLength(3);
    expect(again.every((m) => m.headers.run_id === second.run_id)).toBe(true);
    expect((await (await client.admin()).describeGroup(groupId)).totalLag).toBe(0);
  });

  it('fails the producing task with a clear error when the topic does not exist', async () => {
    const topic = uniqueName('dagstream-missing');
    const run = await runDag(topic, uniqueName('dagstream-dag-group'));
    expect(run.state).toBe('failed');
    expect(run.tasks.publish!.state).toBe('failed');
    const log = await taskLog(run.run_id, 'publish');
    expect(log).toContain(`Producing to topic "${topic}" failed (profile "default", broker `);
    expect(log).toContain(`topic "${topic}" does not exist`);
  });
});
