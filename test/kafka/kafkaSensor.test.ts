import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaClient } from '../../src/core/kafka/KafkaClient';
import { createTestTopic, openTestClient, runDagstream } from './coreClientSupport';
import { uniqueName } from './kafkaTestSupport';
import { sqlite3 } from './sinkTestSupport';

interface RunSummary {
  state: string;
  run_id: string;
  tasks: Record<string, { state: string; xcom: unknown }>;
}

/** Waits until the first try log of task `wait` under `dagLogs` holds `text`. */
async function waitForLogLine(dagLogs: string, text: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const run of existsSync(dagLogs) ? readdirSync(dagLogs) : []) {
      const file = join(dagLogs, run, 'wait', '1.log');
      if (existsSync(file) && readFileSync(file, 'utf8').includes(text)) return;
    }
    await delay(100);
  }
  throw new Error(`No log under ${dagLogs} says "${text}" after ${timeoutMs} ms`);
}

describe('sensor.kafka in a DAG run by `dagstream test`', () => {
  let client: KafkaClient;
  const workspace = mkdtempSync(join(tmpdir(), 'dagstream-kafka-sensor-'));
  beforeAll(async () => {
    client = await openTestClient();
  });
  afterAll(async () => {
    await client.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('waits in reschedule mode until new messages arrive, then the sink stores them and a lag sensor sees it caught up', async () => {
    const topic = await createTestTopic(client, 2);
    const groupId = uniqueName('dagstream-sensor-sink');
    const dag = {
      version: 1,
      dag_id: 'sensor_dag',
      schedule: null,
      start_date: '2026-01-01',
      tasks: [
        { task_id: 'wait', operator: 'sensor.kafka', topics: topic, min_messages: 3, poke_interval: 0.3, timeout: 60, mode: 'reschedule' },
        {
          task_id: 'sink',
          operator: 'kafka.sink',
          upstream: ['wait'],
          topics: topic,
          group_id: groupId,
          database: 'sensor.sqlite',
          table: 'events',
          columns: { n: { path: '$.n', type: 'INTEGER', required: true } },
          stop_at_end: true,
        },
        {
          task_id: 'caught_up',
          operator: 'sensor.kafka',
          upstream: ['sink'],
          topics: topic,
          group_id: groupId,
          max_lag: 0,
          poke_interval: 0.3,
          timeout: 30,
        },
      ],
    };
    const file = join(workspace, 'sensor_dag.dag.json');
    writeFileSync(file, JSON.stringify(dag, null, 2));
    const running = runDagstream(['test', file, '--workspace', workspace, '--json'], { main: true });
    // Produced once the sensor has checked and been rescheduled: messages from before its first check do not count.
    await waitForLogLine(join(workspace, '.dagstream', 'logs', 'sensor_dag'), 'Rescheduled: the next check is at');
    const producer = await client.producer();
    await producer.send(
      topic,
      [1, 2, 3].map((n) => ({ value: JSON.stringify({ n }) })),
    );
    await producer.close();
    const result = await running;
    const last = result.stdout.trim().split('\n').at(-1) ?? '';
    if (!last.startsWith('{'))
      throw new Error(`dagstream test printed no summary (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
    const run = JSON.parse(last) as RunSummary;
    expect(run.state, JSON.stringify(run.tasks)).toBe('success');
    expect(run.tasks.wait!.xcom).toEqual({ available: 3, per_topic: { [topic]: 3 } });
    expect(run.tasks.caught_up!.xcom).toEqual({ available: 0, per_topic: { [topic]: 0 } });
    expect(await sqlite3(join(workspace, 'sensor.sqlite'), 'SELECT n FROM events ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);

    const log = await runDagstream(['logs', 'sensor_dag', run.run_id, 'wait', '--workspace', workspace], { main: true });
    expect(log.stdout).toMatch(/Rescheduled: the next check is at .*\(0 message\(s\) available on/);
    expect(log.stdout).toContain('Condition met: 3 message(s) available');
  });
});
