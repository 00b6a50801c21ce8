import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KafkaMessage } from '../kafka/KafkaClient';
import { buildSinkStatements } from '../sink/buildSinkStatements';
import { compileSinkColumns } from '../sink/compileSinkColumns';
import type { SinkTableSpec } from '../sink/mapSinkBatch';
import { packSinkMessages } from '../sink/packSinkMessages';
import { openSqliteDatabase } from './openSqliteDatabase';
import type { SqliteDatabase } from './SqliteDatabase';

const dir = mkdtempSync(path.join(tmpdir(), 'dagstream-sink-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec: SinkTableSpec = {
  table: 'events',
  columns: compileSinkColumns({
    id: { path: '$.id', type: 'INTEGER', required: true },
    v: { path: '$.v', type: 'TEXT' },
    o: { path: '$offset', type: 'INTEGER' },
  }),
  primaryKey: ['id'],
  deadLetterTable: 'events_dead',
  maxValueBytes: 1024,
};

function messages(from: number, values: readonly string[]): KafkaMessage[] {
  return values.map((value, i) => ({
    topic: 'weather',
    partition: 0,
    offset: from + i,
    timestamp: 1,
    key: null,
    value: Buffer.from(value),
    headers: [],
  }));
}

async function openSinkDatabase(name: string, runIn: 'worker' | 'thread'): Promise<SqliteDatabase> {
  const db = await openSqliteDatabase(path.join(dir, name), { runIn, checkpoint: { everyMs: 60_000, onClose: true } });
  const sql = buildSinkStatements(spec.table, spec.columns, spec.primaryKey, spec.deadLetterTable);
  await db.execute([sql.createTable, sql.createDeadLetterTable, sql.createOffsetsTable, sql.createOffsetsGuard].join(';\n'));
  await db.execute(`INSERT INTO _dagstream_sink_offsets VALUES ('events', 'weather', 0, 0, 0, 'setup')`);
  return db;
}

describe.each(['worker', 'thread'] as const)('SqliteSinkWriter (database in %s)', (runIn) => {
  it('stores any number of rows (several statement sizes), upserts in order, dead-letters bad events, and stores the offset', async () => {
    const db = await openSinkDatabase(`rows-${runIn}.sqlite`, runIn);
    const writer = await db.openSink(spec);
    // 89 rows = 64 + 16 + 4 + 4 + 1; ids repeat, so later rows must win, as single-row upserts would.
    const values = Array.from({ length: 89 }, (_, i) => JSON.stringify({ id: i % 80, v: `v${i}` }));
    values.splice(30, 0, '{"id": broken', '{"v": "no id"}');
    const packed = packSinkMessages(messages(0, values));
    const result = await writer.write({ topic: 'weather', partition: 0, messages: packed, previousOffset: 0, nextOffset: 91, at: 'now' });
    expect(result).toMatchObject({ rows: 89, deadLetters: 2 });
    expect((await db.query('SELECT count(*), min(id), max(id) FROM events')).rows).toEqual([[80, 0, 79]]);
    // id 5 came at offsets 5 and 87 (85 + the two dead letters before it): the later one stands.
    expect((await db.query('SELECT v, o FROM events WHERE id = 5')).rows).toEqual([['v85', 87]]);
    expect((await db.query('SELECT "offset", reason FROM events_dead ORDER BY "offset"')).rows).toEqual([
      [30, expect.stringMatching(/^invalid JSON/)],
      [31, 'missing required field $.id (column "id")'],
    ]);
    expect((await db.query('SELECT next_offset FROM _dagstream_sink_offsets')).rows).toEqual([[91]]);
    await writer.close();
    await db.close();
  });

  it('keeps nothing of a batch that does not continue from the stored offset', async () => {
    const db = await openSinkDatabase(`guard-${runIn}.sqlite`, runIn);
    const writer = await db.openSink(spec);
    const packed = packSinkMessages(messages(10, ['{"id": 1}', '{"id": 2}', 'not json']));
    await expect(
      writer.write({ topic: 'weather', partition: 0, messages: packed, previousOffset: 10, nextOffset: 13, at: 'now' }),
    ).rejects.toThrow(/does not continue from the stored offset/);
    expect((await db.query('SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM events_dead)')).rows).toEqual([[0, 0]]);
    expect((await db.query('SELECT next_offset FROM _dagstream_sink_offsets')).rows).toEqual([[0]]);
    await db.close();
  });

  it('cuts a batch into transactions of transactionSize, each with its own offset; a failed one keeps those before it', async () => {
    const db = await openSinkDatabase(`transactions-${runIn}.sqlite`, runIn);
    const writer = await db.openSink(spec);
    const events = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => JSON.stringify({ id: from + i }));
    const result = await writer.write({
      topic: 'weather',
      partition: 0,
      messages: packSinkMessages(messages(0, [...events(0, 5), 'not json', ...events(6, 4)])),
      previousOffset: 0,
      nextOffset: 12, // the batch ended on a transaction marker after offset 9
      transactionSize: 4,
      at: 'now',
    });
    expect(result).toMatchObject({ rows: 9, deadLetters: 1 });
    expect(result.transactions).toEqual([
      { messages: 4, nextOffset: 4, rows: 4, deadLetters: 0 },
      { messages: 4, nextOffset: 8, rows: 3, deadLetters: 1 },
      { messages: 2, nextOffset: 12, rows: 2, deadLetters: 0 },
    ]);
    expect((await db.query('SELECT next_offset, previous_offset FROM _dagstream_sink_offsets')).rows).toEqual([[12, 8]]);

    // The second transaction of the next batch fails: the first stays, with its offset.
    await db.execute(`CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.id = 17 BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    await expect(
      writer.write({
        topic: 'weather',
        partition: 0,
        messages: packSinkMessages(messages(12, events(12, 8))),
        previousOffset: 12,
        nextOffset: 20,
        transactionSize: 4,
        at: 'now',
      }),
    ).rejects.toThrow(/refused/);
    expect((await db.query('SELECT count(*), max(id) FROM events')).rows).toEqual([[13, 15]]);
    expect((await db.query('SELECT next_offset FROM _dagstream_sink_offsets')).rows).toEqual([[16]]);
    await writer.close();
    await db.close();
  });
});
