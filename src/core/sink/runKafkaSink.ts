import type { TaskProgress } from '../executor/taskExecution';
import type { KafkaClient, KafkaMessage, TopicPartition, TopicPartitionOffset } from '../kafka/KafkaClient';
import { openSqliteDatabase } from '../sqlite/openSqliteDatabase';
import type { PreparedStatement } from '../sqlite/PreparedStatement';
import type { TransactionStepInput } from '../sqlite/SqliteDatabase';
import type { CheckpointPolicy, SqlParameters } from '../sqlite/sqliteTypes';
import { buildSinkStatements, quoteIdentifier } from './buildSinkStatements';
import { columnsReadValue, mapMessageToRow, type CompiledSinkColumn } from './compileSinkColumns';

export interface KafkaSinkOptions {
  readonly topics: readonly string[];
  /** Absolute path of the SQLite file. */
  readonly database: string;
  readonly table: string;
  readonly columns: readonly CompiledSinkColumn[];
  readonly primaryKey: readonly string[];
  readonly deadLetterTable: string;
  /** Rows per transaction at most. */
  readonly batchSize: number;
  /** How often the file is saved; 0 saves after every transaction (each write resolves once on disk). */
  readonly checkpointIntervalMs: number;
  /** A value above this many bytes goes to the dead-letter table. */
  readonly maxValueBytes: number;
  readonly maxMessages?: number;
  readonly maxMs?: number;
  readonly stopAtEnd?: boolean;
  /**
   * The group whose committed offsets mirror the sink's stored ones, so that tools showing lag
   * (the Kafka explorer, kafka-consumer-groups, sensor.kafka) see the sink's progress. The sink
   * never reads them: it starts from the offsets in its database.
   */
  readonly groupId?: string;
  /** Stops the sink after the transaction in flight (a cancelled run). */
  readonly signal?: AbortSignal;
  /** About once a second while the sink runs, and once at the end. */
  readonly onProgress?: (progress: TaskProgress) => void;
  /** After each committed transaction: what it held (for latency measurements and tests). */
  readonly onCommitted?: (written: {
    readonly messages: readonly KafkaMessage[];
    readonly rows: number;
    readonly deadLetters: number;
  }) => void;
  readonly log?: (level: 'info' | 'warning', message: string) => void;
  readonly progressIntervalMs?: number;
  /** Where the database runs (see openSqliteDatabase); default its worker thread. */
  readonly runIn?: 'worker' | 'thread';
  /** The database worker's script (see openSqliteDatabase); default the bundle beside this code, else the source. */
  readonly workerScript?: string;
}

export type SinkStopReason = 'max-messages' | 'max-time' | 'end' | 'aborted';

export interface KafkaSinkResult {
  /** Messages handled in this run (rows + dead letters). */
  readonly messages: number;
  readonly rows: number;
  readonly deadLetters: number;
  readonly stoppedBy: SinkStopReason;
  /** The next offsets stored in the database at the end. */
  readonly offsets: readonly TopicPartitionOffset[];
  /** Where each partition started, from the database (or the earliest retained offset). */
  readonly startOffsets: readonly TopicPartitionOffset[];
  readonly durationMs: number;
}

const GROUP_COMMIT_INTERVAL_MS = 5000;
const FINAL_GROUP_COMMIT_TIMEOUT_MS = 5000;
const CATCH_UP_CHECK_MS = 200;
/** Transactions handed to the database thread and not yet committed, at most. */
const MAX_PENDING_TRANSACTIONS = 4;

function key(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/**
 * Consumes topics into a SQLite table exactly once. Each transaction holds the rows (and
 * dead-letter rows) of up to `batchSize` messages of one partition and that partition's next
 * offset in the offsets table; a snapshot of the file therefore always pairs rows with the
 * offsets they came from, and a restart seeks to the stored offsets, so what the last
 * checkpoint did not cover is read again and nothing twice. The consumer reads every partition
 * of the topics by assignment, not as a group member: a sink owns its database file, and a
 * restart after a crash does not wait for a dead member's session to expire.
 */
export async function runKafkaSink(client: KafkaClient, options: KafkaSinkOptions): Promise<KafkaSinkResult> {
  const started = performance.now();
  const { table, columns, topics } = options;
  const log = options.log ?? ((): void => undefined);
  const policy: CheckpointPolicy =
    options.checkpointIntervalMs <= 0
      ? { afterTransaction: true, onClose: true }
      : { everyMs: options.checkpointIntervalMs, onClose: true };
  const db = await openSqliteDatabase(options.database, {
    checkpoint: policy,
    ...(options.runIn ? { runIn: options.runIn } : {}),
    ...(options.workerScript ? { workerScript: options.workerScript } : {}),
  });
  const statements = buildSinkStatements(table, columns, options.primaryKey, options.deadLetterTable);
  const prepared: PreparedStatement[] = [];
  try {
    await db.execute(
      [statements.createTable, statements.createDeadLetterTable, statements.createOffsetsTable, statements.createOffsetsGuard].join(';\n'),
    );
    const existing = new Set((await db.listColumns(table)).map((c) => c.name));
    const missing = columns.filter((c) => !existing.has(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      throw new Error(
        `Table ${quoteIdentifier(table)} in ${db.file} exists without the column(s) ${missing.join(', ')} of the mapping. ` +
          `Add them (ALTER TABLE ... ADD COLUMN), or write to a new table.`,
      );
    }
    const insertRow = await db.prepare(statements.insertRow);
    const insertDeadLetter = await db.prepare(statements.insertDeadLetter);
    const storeOffset = await db.prepare(statements.storeOffset);
    prepared.push(insertRow, insertDeadLetter, storeOffset);

    const stored = new Map<string, number>();
    for (const row of (await db.query(statements.readOffsets, [table], { limit: 1_000_000 })).rows) {
      stored.set(key(String(row[0]), Number(row[1])), Number(row[2]));
    }

    // Every partition, where it starts (stored offset, else the earliest retained) and ends now.
    const admin = await client.admin();
    const next = new Map<string, number>();
    const end = new Map<string, number>();
    const endAtStart = new Map<string, number>();
    const assignment: (TopicPartition & { start: { offset: number } | 'earliest' })[] = [];
    for (const topic of [...new Set(topics)]) {
      for (const o of await admin.fetchOffsets(topic)) {
        const k = key(topic, o.partition);
        const from = stored.get(k);
        if (from !== undefined && from < o.low) {
          log('warning', `${topic}[${o.partition}]: stored offset ${from} is no longer retained; continuing at ${o.low}, the earliest one`);
        }
        next.set(k, Math.max(from ?? o.low, o.low));
        end.set(k, o.high);
        endAtStart.set(k, o.high);
        assignment.push({ topic, partition: o.partition, start: from === undefined ? 'earliest' : { offset: Math.max(from, o.low) } });
      }
    }
    const startOffsets = [...next].map(([k, offset]) => ({ ...splitKey(k), offset }));
    // Every partition gets its row now, so that each batch's offset write is an update the guard checks.
    const setupTime = new Date().toISOString();
    await db.transaction([
      {
        statement: storeOffset,
        rows: startOffsets.map((s) => [
          table,
          s.topic,
          s.partition,
          s.offset,
          stored.get(key(s.topic, s.partition)) ?? s.offset,
          setupTime,
        ]),
      },
    ]);
    log(
      'info',
      `Starting at ${startOffsets.map((s) => `${s.topic}[${s.partition}]=${s.offset}${stored.has(key(s.topic, s.partition)) ? '' : ' (earliest)'}`).join(', ')}`,
    );

    let messages = 0;
    let rows = 0;
    let deadLetters = 0;
    let stoppedBy: SinkStopReason | undefined;
    let onStop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (onStop = resolve));
    const stop = (reason: SinkStopReason): void => {
      stoppedBy ??= reason;
      onStop();
    };
    const caughtUp = (): boolean => [...endAtStart].every(([k, offset]) => (next.get(k) ?? 0) >= offset);
    const offsetsNow = (): TopicPartitionOffset[] => [...next].map(([k, offset]) => ({ ...splitKey(k), offset }));

    const result = (stoppedByReason: SinkStopReason): KafkaSinkResult => ({
      messages,
      rows,
      deadLetters,
      stoppedBy: stoppedByReason,
      offsets: offsetsNow(),
      startOffsets,
      durationMs: performance.now() - started,
    });
    if (options.stopAtEnd && caughtUp()) return result('end');
    if (options.signal?.aborted) return result('aborted');

    // Progress, about once a second.
    let lastReport = { at: performance.now(), messages: 0 };
    const report = (): void => {
      if (!options.onProgress) return;
      const now = performance.now();
      const rate = ((messages - lastReport.messages) * 1000) / Math.max(1, now - lastReport.at);
      lastReport = { at: now, messages };
      let lag = 0;
      const offsets: Record<string, number> = {};
      for (const [k, offset] of next) {
        offsets[k] = offset;
        lag += Math.max(0, (end.get(k) ?? offset) - offset);
      }
      options.onProgress({ messages, messagesPerSecond: Math.round(rate * 10) / 10, lag, deadLetters, offsets });
    };

    // The group mirrors the stored offsets, in the background.
    let groupCommitted = '';
    let groupCommit: Promise<void> | undefined;
    let groupWarned = false;
    const commitGroup = (): Promise<void> => {
      if (options.groupId === undefined || groupCommit) return groupCommit ?? Promise.resolve();
      const offsets = offsetsNow();
      const signature = JSON.stringify(offsets);
      if (signature === groupCommitted) return Promise.resolve();
      groupCommit = admin
        .commitGroupOffsets(options.groupId, offsets)
        .then(() => void (groupCommitted = signature))
        .catch((error: unknown) => {
          if (!groupWarned) log('warning', `Could not mirror the offsets to group "${options.groupId}" (${(error as Error).message})`);
          groupWarned = true;
        })
        .finally(() => (groupCommit = undefined));
      return groupCommit;
    };

    const consumer = client.assignedConsumer({ partitions: assignment });
    const timers: NodeJS.Timeout[] = [];
    const onAbort = (): void => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.maxMs !== undefined) timers.push(setTimeout(() => stop('max-time'), options.maxMs));
    timers.push(setInterval(report, options.progressIntervalMs ?? 1000));
    if (options.groupId !== undefined) timers.push(setInterval(() => void commitGroup(), GROUP_COMMIT_INTERVAL_MS));
    if (options.stopAtEnd) timers.push(setInterval(() => caughtUp() && stop('end'), CATCH_UP_CHECK_MS));
    const readsValue = columnsReadValue(columns);
    let failure: unknown;
    /** Transactions given to the database and not yet settled, oldest first. */
    const pending: Promise<void>[] = [];
    let writeFailure: unknown;
    /** Per partition, the next offset after the last batch handed to the database. */
    const submittedTo = new Map<string, number>();
    let submitted = 0;
    try {
      const starting = consumer.start(async (batch, control) => {
        const k = key(batch.topic, batch.partition);
        end.set(k, batch.highWatermark);
        let index = 0;
        while (index < batch.messages.length) {
          if (writeFailure !== undefined) throw writeFailure;
          if (stoppedBy !== undefined || !control.isActive()) {
            control.resumeAt(batch.messages[index]!.offset);
            return;
          }
          let take = Math.min(options.batchSize, batch.messages.length - index);
          if (options.maxMessages !== undefined) take = Math.min(take, options.maxMessages - submitted);
          const chunk = batch.messages.slice(index, index + take);
          const last = index + take === batch.messages.length;
          const nextOffset = last ? batch.nextOffset : chunk[chunk.length - 1]!.offset + 1;
          const previousOffset = submittedTo.get(k) ?? next.get(k)!;
          const goodRows: SqlParameters[] = [];
          const badRows: SqlParameters[] = [];
          const now = new Date().toISOString();
          for (const message of chunk) {
            const mapped = mapMessageToRow(message, columns, readsValue, options.maxValueBytes);
            if ('row' in mapped) goodRows.push(mapped.row);
            else badRows.push(deadLetterRow(message, mapped.reason, now));
          }
          const steps: TransactionStepInput[] = [];
          if (goodRows.length > 0) steps.push({ statement: insertRow, rows: goodRows });
          if (badRows.length > 0) steps.push({ statement: insertDeadLetter, rows: badRows });
          steps.push({ statement: storeOffset, rows: [[table, batch.topic, batch.partition, nextOffset, previousOffset, now]] });
          // Not awaited here: the next batch is fetched and parsed while the database thread
          // writes this one. The database runs transactions in the order they were given, and
          // the offsets guard refuses any that would skip over one that failed.
          const write = db.transaction(steps).then(
            () => {
              next.set(k, nextOffset);
              messages += chunk.length;
              rows += goodRows.length;
              deadLetters += badRows.length;
              options.onCommitted?.({ messages: chunk, rows: goodRows.length, deadLetters: badRows.length });
              if (options.stopAtEnd && caughtUp()) stop('end');
            },
            (error: unknown) => {
              writeFailure ??= error;
              onStop();
            },
          );
          pending.push(write);
          submittedTo.set(k, nextOffset);
          submitted += chunk.length;
          index += take;
          while (pending.length > MAX_PENDING_TRANSACTIONS) await pending.shift();
          if (options.maxMessages !== undefined && submitted >= options.maxMessages) {
            stop('max-messages');
            if (!last) control.resumeAt(nextOffset);
            return;
          }
        }
      });
      starting.catch(() => undefined);
      const joined = await Promise.race([starting.then(() => true), stopped.then(() => false)]);
      if (joined) {
        const finished = consumer.done.then(
          () => undefined,
          (error: unknown) => void (failure ??= error),
        );
        await Promise.race([stopped, finished]);
      }
    } finally {
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      await consumer.close();
      // Every transaction handed over settles: what is in the database and what was counted agree.
      await Promise.all(pending);
    }
    failure ??= writeFailure;
    if (failure !== undefined) throw failure;
    await db.checkpoint();
    report();
    if (options.groupId !== undefined) {
      await groupCommit?.catch(() => undefined);
      await Promise.race([commitGroup(), new Promise((resolve) => setTimeout(resolve, FINAL_GROUP_COMMIT_TIMEOUT_MS).unref())]);
    }
    return result(stoppedBy ?? 'aborted');
  } finally {
    for (const statement of prepared) await statement.finalize().catch(() => undefined);
    await db.close();
  }
}

function deadLetterRow(message: KafkaMessage, reason: string, now: string): SqlParameters {
  const headers =
    message.headers.length === 0 ? null : JSON.stringify(message.headers.map((h) => ({ key: h.key, value: h.value.toString('base64') })));
  return [message.topic, message.partition, message.offset, message.timestamp, message.key, message.value, headers, reason, now];
}

function splitKey(k: string): TopicPartition {
  const slash = k.lastIndexOf('/');
  return { topic: k.slice(0, slash), partition: Number(k.slice(slash + 1)) };
}
