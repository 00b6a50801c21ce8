import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDagstream, testBrokers } from './coreClientSupport';
import { uniqueName } from './kafkaTestSupport';

// `dagstream kafka ...` end to end in a child process, as a user or a script runs it.
describe('dagstream kafka (CLI) against a real broker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dagstream-kafka-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function ok(args: string[], input?: string): Promise<string> {
    const result = await runDagstream(['kafka', ...args], input === undefined ? {} : { input });
    if (result.code !== 0)
      throw new Error(`dagstream kafka ${args.join(' ')} exited with ${result.code}:\n${result.stderr}${result.stdout}`);
    return result.stdout;
  }

  it('creates, lists, describes and deletes topics, in tables and as JSON', async () => {
    const topic = uniqueName('dagstream-cli');
    expect(await ok(['topics', 'create', topic, '--partitions', '3', '--config', 'retention.ms=86400000'])).toBe(
      `Created topic ${topic} with 3 partition(s), replication factor 1.\n`,
    );
    const table = await ok(['topics', 'list']);
    expect(table.split('\n')[0]).toMatch(/^TOPIC\s+PARTITIONS\s+REPLICATION$/);
    expect(table).toMatch(new RegExp(`^${topic}\\s+3\\s+1$`, 'm'));
    const listed = JSON.parse(await ok(['topics', 'list', '--json'])) as { name: string; partitionCount: number }[];
    expect(listed.find((t) => t.name === topic)?.partitionCount).toBe(3);
    const described = await ok(['topics', 'describe', topic]);
    expect(described).toContain(`Topic ${topic}: 3 partition(s), replication 1, 0 message(s) retained`);
    expect(described).toMatch(/^retention\.ms\s+86400000$/m);
    expect(await ok(['topics', 'delete', topic])).toBe(`Deleted topic ${topic}.\n`);
    const missing = await runDagstream(['kafka', 'topics', 'describe', topic]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `dagstream: error: Describing topic "${topic}" failed (profile "default", broker ${testBrokers()[0]}): topic "${topic}" does not exist.`,
    );
  });

  it('produces a value and a JSON Lines file with keys and headers, and consumes them from offsets, times and as a group', async () => {
    const topic = uniqueName('dagstream-cli');
    await ok(['topics', 'create', topic, '--partitions', '2']);
    const single = JSON.parse(
      await ok([
        'produce',
        topic,
        '--value',
        '{"city":"Lisbon"}',
        '--key',
        'lisbon',
        '--header',
        'source=cli',
        '--partition',
        '1',
        '--json',
      ]),
    ) as {
      count: number;
      partitions: { partition: number; first_offset: number }[];
    };
    expect(single).toEqual({ topic, count: 1, partitions: [{ partition: 1, count: 1, first_offset: 0, last_offset: 0 }] });

    const file = join(dir, 'events.jsonl');
    writeFileSync(file, Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: `s${i % 3}`, seq: i })).join('\n'));
    const produced = await ok(['produce', topic, '--file', file, '--key-field', 'id', '-H', 'batch=7']);
    expect(produced).toMatch(
      /^Produced 10 message\(s\) to dagstream-cli-\w+ \(partition 0: offsets? [\d-]+; partition 1: offsets 1-\d+\)\n$/,
    );
    const fromStdin = await ok(['produce', topic, '--file', '-', '--partition', '0'], '{"stdin":true}\n');
    expect(fromStdin).toMatch(/^Produced 1 message\(s\)/);

    const lines = (await ok(['consume', topic, '--json'])).trim().split('\n');
    const messages = lines.map(
      (line) =>
        JSON.parse(line) as {
          partition: number;
          offset: number;
          key: string | null;
          value: string;
          headers: Record<string, string>;
          timestamp: number;
        },
    );
    expect(messages).toHaveLength(12);
    const lisbon = messages.find((m) => m.key === 'lisbon')!;
    expect(lisbon).toMatchObject({ partition: 1, offset: 0, value: '{"city":"Lisbon"}', headers: { source: 'cli' } });
    const keyed = messages.filter((m) => m.headers.batch === '7');
    expect(keyed.map((m) => JSON.parse(m.value) as { id: string; seq: number }).every((v, i) => v.id === keyed[i]!.key)).toBe(true);

    // From an offset, from a partition, from a time, with a limit.
    const partition1FromOffset1 = (await ok(['consume', topic, '--partition', '1', '--from', '1', '--json'])).trim().split('\n');
    expect(partition1FromOffset1.map((l) => (JSON.parse(l) as { offset: number }).offset)).toEqual(
      messages.filter((m) => m.partition === 1 && m.offset >= 1).map((m) => m.offset),
    );
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await runDagstream(['kafka', 'consume', topic, '--from', future]);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain(
      `Read 0 message(s) from ${topic} starting at ${future}: caught up with the end offsets seen at the start`,
    );
    const human = await ok(['consume', topic, '--max', '1', '--partition', '1']);
    expect(human).toMatch(/^1\/0 {2}\d{4}-\d{2}-\d{2}T[\d:.]+Z {2}lisbon {2}\{"city":"Lisbon"\} {2}\[source=cli\]\n$/);

    // As a group: 5, then the other 7, then nothing; describe shows no lag; reset rewinds.
    const group = uniqueName('dagstream-cli-group');
    const first = await runDagstream(['kafka', 'consume', topic, '--group', group, '--max', '5', '--json']);
    expect(first.stdout.trim().split('\n')).toHaveLength(5);
    expect(first.stderr).toMatch(/stopped at --max; committed offsets/);
    expect((await ok(['consume', topic, '--group', group, '--json'])).trim().split('\n')).toHaveLength(7);
    expect(await ok(['consume', topic, '--group', group, '--json'])).toBe('');
    const describedGroup = await ok(['groups', 'describe', group]);
    expect(describedGroup).toContain(`Consumer group ${group}: Empty, 0 member(s), total lag 0`);
    expect(describedGroup).toMatch(new RegExp(`^${topic}\\s+0\\s+\\d+\\s+\\d+\\s+0\\s+-$`, 'm'));
    expect(await ok(['groups', 'list'])).toMatch(new RegExp(`^${group}\\s+Empty\\s+0\\s+consumer$`, 'm'));
    const dryRun = JSON.parse(await ok(['groups', 'reset', group, '--topic', topic, '--to', 'earliest', '--dry-run', '--json'])) as {
      changes: { newOffset: number }[];
    };
    expect(dryRun.changes.map((c) => c.newOffset)).toEqual([0, 0]);
    expect(await ok(['consume', topic, '--group', group, '--json'])).toBe('');
    const reset = await ok(['groups', 'reset', group, '--topic', topic, '--to', 'earliest']);
    expect(reset).toMatch(/^Reset the offsets of consumer group/);
    expect((await ok(['consume', topic, '--group', group, '--json'])).trim().split('\n')).toHaveLength(12);
    await ok(['topics', 'delete', topic]);
  });

  it('explains bad input and an unreachable broker, exit code 2', async () => {
    const badFrom = await runDagstream(['kafka', 'consume', 'x', '--from', 'yesterday']);
    expect(badFrom.code).toBe(2);
    expect(badFrom.stderr).toContain('dagstream: error: Invalid --from: "yesterday" is not a start position');
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, '{"ok":1}\n{"broken":\n');
    const broken = await runDagstream(['kafka', 'produce', 'x', '--file', file]);
    expect(broken.stderr).toContain(`${file}:2: not JSON`);
    const unreachable = await runDagstream(['kafka', 'topics', 'list', '--brokers', '127.0.0.1:9']);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toBe(
      'dagstream: error: Cannot reach Kafka broker 127.0.0.1:9 (profile "default"): connection refused. Is the broker running? Start a local one with npm run kafka:start.\n',
    );
    const noBrokers = await runDagstream(['kafka', 'topics', 'list'], { env: { DAGSTREAM_KAFKA_BROKERS: '' } });
    expect(noBrokers.stderr).toContain('No Kafka brokers for profile "default": set DAGSTREAM_KAFKA_BROKERS=host:port');
  });
});
