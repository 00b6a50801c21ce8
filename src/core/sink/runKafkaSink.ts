import type { TaskProgress } from '../executor/taskExecution';
import type { KafkaClient, TopicPartition, TopicPartitionOffset } from '../kafka/KafkaClient';
import { openSqliteDatabase } from '../sqlite/openSqliteDatabase';
import type { PreparedStatement } from '../sqlite/PreparedStatement';
import type { SqliteSinkWriter } from '../sqlite/SqliteSinkWriter';
import type { CheckpointPolicy } from '../sqlite/sqliteTypes';
import { buildSinkStatements, quoteIdentifier } from './buildSinkStatements';
import type { CompiledSinkColumn } from './compileSinkColumns';
import { packSinkMessages } from './packSinkMessages';

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
  readonly onCommitted?: (written: SinkTransaction) => void;
  readonly log?: (level: 'info' | 'warning', message: string) => void;
  readonly progressIntervalMs?: number;
  /** Where the database runs (see openSqliteDatabase); default its worker thread. */
  readonly runIn?: 'worker' | 'thread';
  /** The database worker's script (see openSqliteDatabase); default the bundle beside this code, else the source. */
  readonly workerScript?: string;
}

/** One committed transaction of a sink: a run of one partition's messages. */
export interface SinkTransaction {
  readonly topic: string;
  readonly partition: number;
  /** How many messages it held (rows + dead letters), and the offset after them (now stored). */
  readonly messages: number;
  readonly nextOffset: number;
  readonly rows: number;
  readonly deadLetters: number;
  /** The messages' timestamps, in offset order. */
  readonly timestamps: readonly number[];
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
/**
 * Writes (and messages) handed to the database thread and not yet committed, at most: enough
 * for the consumer to fetch the next batches while the database writes these, few enough to
 * bound the memory and, with a checkpoint after every write, the work a crash loses.
 */
const MAX_PENDING_WRITES = 16;
const MAX_PENDING_MESSAGES = 20_000;
/**
 * Messages handed over in one write, about: a fetched batch crosses to the database thread in
 * one message (and one answer) holding several transactions of `batchSize`, instead of one
 * round trip per transaction, which cost the consumer's thread more than copying the bytes.
 * Not when every transaction is saved on its own (checkpoint interval 0).
 */
const MESSAGES_PER_WRITE = 4096;

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
  // The partitions' offsets are asked for while the database thread starts and opens the file.
  const uniqueTopics = [...new Set(topics)];
  const partitionOffsets = client.admin().then(async (admin) => ({
    admin,
    offsets: await Promise.all(uniqueTopics.map(async (topic) => ({ topic, offsets: await admin.fetchOffsets(topic) }))),
  }));
  partitionOffsets.catch(() => undefined);
  const db = await openSqliteDatabase(options.database, {
    checkpoint: policy,
    ...(options.runIn ? { runIn: options.runIn } : {}),
    ...(options.workerScript ? { workerScript: options.workerScript } : {}),
  });
  const statements = buildSinkStatements(table, columns, options.primaryKey, options.deadLetterTable);
  const prepared: PreparedStatement[] = [];
  let writer: SqliteSinkWriter | undefined;
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
    const storeOffset = await db.prepare(statements.storeOffset);
    prepared.push(storeOffset);
    // Parsing, mapping and dead-lettering run in the database's thread, beside the inserts: this
    // thread only reads from Kafka and hands over each batch's raw bytes.
    writer = await db.openSink({
      table,
      columns,
      primaryKey: options.primaryKey,
      deadLetterTable: options.deadLetterTable,
      maxValueBytes: options.maxValueBytes,
    });
    const sinkWriter = writer;

    const stored = new Map<string, number>();
    for (const row of (await db.query(statements.readOffsets, [table], { limit: 1_000_000 })).rows) {
      stored.set(key(String(row[0]), Number(row[1])), Number(row[2]));
    }

    // Every partition, where it starts (stored offset, else the earliest retained) and ends now.
    const { admin, offsets: topicOffsets } = await partitionOffsets;
    const next = new Map<string, number>();
    const end = new Map<string, number>();
    const endAtStart = new Map<string, number>();
    const assignment: (TopicPartition & { start: { offset: number } | 'earliest' })[] = [];
    for (const { topic, offsets } of topicOffsets) {
      for (const o of offsets) {
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

    // Saving after every transaction (checkpoint interval 0) keeps one transaction per write: a
    // write resolves once its snapshot is on disk, and each transaction must be, on its own.
    const transactionsPerWrite = policy.afterTransaction ? 1 : Math.max(1, Math.floor(MESSAGES_PER_WRITE / options.batchSize));
    const consumer = client.assignedConsumer({ partitions: assignment });
    const timers: NodeJS.Timeout[] = [];
    const onAbort = (): void => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.maxMs !== undefined) timers.push(setTimeout(() => stop('max-time'), options.maxMs));
    timers.push(setInterval(report, options.progressIntervalMs ?? 1000));
    if (options.groupId !== undefined) timers.push(setInterval(() => void commitGroup(), GROUP_COMMIT_INTERVAL_MS));
    if (options.stopAtEnd) timers.push(setInterval(() => caughtUp() && stop('end'), CATCH_UP_CHECK_MS));
    let failure: unknown;
    let saved: Promise<unknown> = Promise.resolve();
    /** Transactions given to the database and not yet settled, and how many messages they hold. */
    const pending = new Set<Promise<void>>();
    let pendingMessages = 0;
    let writeFailure: unknown;
    /** Per partition, the next offset after the last batch handed to the database. */
    const submittedTo = new Map<string, number>();
    let submitted = 0;
    const handedOverToEnd = (): boolean => [...endAtStart].every(([k, offset]) => (submittedTo.get(k) ?? next.get(k) ?? 0) >= offset);
    try {
      const starting = consumer.start(async (batch, control) => {
        // The callbacks below use these, never `batch`: a closure that held the batch would keep
        // all its messages alive until the database answers.
        const { topic, partition } = batch;
        const k = key(topic, partition);
        end.set(k, batch.highWatermark);
        let index = 0;
        while (index < batch.messages.length) {
          if (writeFailure !== undefined) throw writeFailure;
          if (stoppedBy !== undefined || !control.isActive()) {
            control.resumeAt(batch.messages[index]!.offset);
            return;
          }
          let take = Math.min(transactionsPerWrite * options.batchSize, batch.messages.length - index);
          if (options.maxMessages !== undefined) take = Math.min(take, options.maxMessages - submitted);
          const chunk = take === batch.messages.length ? batch.messages : batch.messages.slice(index, index + take);
          // Only what the callback needs outlives the handler: messages kept until the database
          // answers would survive the young generation and cost far more to collect.
          const timestamps = options.onCommitted ? chunk.map((m) => m.timestamp) : [];
          const count = chunk.length;
          const last = index + take === batch.messages.length;
          const nextOffset = last ? batch.nextOffset : chunk[chunk.length - 1]!.offset + 1;
          const previousOffset = submittedTo.get(k) ?? next.get(k)!;
          // Not awaited here: the next batch is fetched while the database thread maps and writes
          // this one. The database runs transactions in the order they were given, and the
          // offsets guard refuses any that would skip over one that failed.
          const write = sinkWriter
            .write({
              topic,
              partition,
              messages: packSinkMessages(chunk),
              previousOffset,
              nextOffset,
              transactionSize: options.batchSize,
              at: new Date().toISOString(),
            })
            .then(
              (written) => {
                let from = 0;
                for (const transaction of written.transactions) {
                  next.set(k, transaction.nextOffset);
                  messages += transaction.messages;
                  rows += transaction.rows;
                  deadLetters += transaction.deadLetters;
                  options.onCommitted?.({
                    topic,
                    partition,
                    messages: transaction.messages,
                    nextOffset: transaction.nextOffset,
                    rows: transaction.rows,
                    deadLetters: transaction.deadLetters,
                    timestamps: timestamps.slice(from, from + transaction.messages),
                  });
                  from += transaction.messages;
                }
                if (options.stopAtEnd && caughtUp()) stop('end');
              },
              (error: unknown) => {
                writeFailure ??= error;
                onStop();
              },
            );
          const settled: Promise<void> = write.then(() => {
            pending.delete(settled);
            pendingMessages -= count;
          });
          pending.add(settled);
          pendingMessages += count;
          submittedTo.set(k, nextOffset);
          submitted += count;
          index += take;
          // Everything up to the end offsets is handed over: stop fetching now rather than after
          // the last commit, when the consumer would already wait in a fetch for data that is not coming.
          if (options.stopAtEnd && handedOverToEnd()) {
            stop('end');
            return;
          }
          while (pending.size >= MAX_PENDING_WRITES || pendingMessages > MAX_PENDING_MESSAGES) await Promise.race(pending);
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
      const closing = consumer.close();
      // Every transaction handed over settles: what is in the database and what was counted agree.
      await Promise.all(pending);
      // Saved while the consumer leaves: whatever happened, the file then holds every committed
      // transaction with its offsets (a failed run keeps what it stored, as closing would).
      saved = db.checkpoint();
      saved.catch(() => undefined);
      await closing;
    }
    failure ??= writeFailure;
    const saveFailure = await saved.then(
      () => undefined,
      (error: unknown) => error ?? new Error(`Saving ${db.file} failed`),
    );
    if (failure !== undefined) throw failure;
    if (saveFailure !== undefined) throw saveFailure;
    report();
    if (options.groupId !== undefined) {
      await groupCommit?.catch(() => undefined);
      await Promise.race([commitGroup(), new Promise((resolve) => setTimeout(resolve, FINAL_GROUP_COMMIT_TIMEOUT_MS).unref())]);
    }
    return result(stoppedBy ?? 'aborted');
  } finally {
    await writer?.close().catch(() => undefined);
    for (const statement of prepared) await statement.finalize().catch(() => undefined);
    await db.close();
  }
}

function splitKey(k: string): TopicPartition {
  const slash = k.lastIndexOf('/');
  return { topic: k.slice(0, slash), partition: Number(k.slice(slash + 1)) };
}
