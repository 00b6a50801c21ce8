import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KafkaClient } from '../../src/core/kafka/KafkaClient';

const execFileAsync = promisify(execFile);

/** The real sqlite3 tool: what a user opens the sink's file with. Rows as JSON objects. */
export async function sqlite3(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const { stdout } = await execFileAsync('sqlite3', ['-json', file, sql], { maxBuffer: 256 * 1024 * 1024 });
  return stdout.trim() === '' ? [] : (JSON.parse(stdout) as Record<string, unknown>[]);
}

export async function endOffsets(client: KafkaClient, topic: string): Promise<Record<string, number>> {
  const offsets = await (await client.admin()).fetchOffsets(topic);
  return Object.fromEntries(offsets.map((o) => [`${topic}/${o.partition}`, o.high]));
}

export async function storedOffsets(file: string, table: string): Promise<Record<string, number>> {
  const rows = await sqlite3(file, `SELECT topic, partition, next_offset FROM _dagstream_sink_offsets WHERE sink_table = '${table}'`);
  return Object.fromEntries(rows.map((r) => [`${String(r.topic)}/${String(r.partition)}`, Number(r.next_offset)]));
}
