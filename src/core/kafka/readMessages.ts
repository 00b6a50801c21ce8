import type { ConsumeStart, KafkaClient, KafkaConsumer, KafkaMessage, TopicPartition, TopicPartitionOffset } from './KafkaClient';
import { KafkaClientError } from './KafkaClientError';

export interface ReadMessagesOptions {
  readonly topics: readonly string[];
  /**
   * Read as this consumer group: from its committed offsets, committing what was read (see
   * `commit`). Without a group nothing is committed and every read starts at `start`.
   */
  readonly groupId?: string;
  /**
   * Without a group, where every partition starts; with one, where partitions that have no
   * committed offset start. Default 'earliest'.
   */
  readonly start?: ConsumeStart;
  /** Only these partitions of every topic (without a group only). Default: all. */
  readonly partitions?: readonly number[];
  /** Stop after this many messages. */
  readonly maxMessages?: number;
  /** Stop after reading for this long. */
  readonly maxMs?: number;
  /** Stop once every partition read is at the end offset it had when reading started. */
  readonly stopAtEnd?: boolean;
  /** With a group: commit after every batch, once at the end (default), or never. */
  readonly commit?: 'batch' | 'end' | 'never';
  /**
   * Cancels the read: it returns at once with what was delivered, stoppedBy `aborted`, and
   * commits nothing more (with `commit: 'batch'`, batches already handled stay committed).
   */
  readonly signal?: AbortSignal;
  /**
   * Every message, in offset order per partition. Calling `stop` ends the read after this message
   * (a stop condition of the caller's, such as a size cap: what was read is committed); a throw
   * cancels the read and rejects it.
   */
  readonly onMessage: (message: KafkaMessage, stop: () => void) => void;
  /** Progress for long reads: called when reading starts, with what is assigned. */
  readonly onStarted?: (assignment: readonly TopicPartition[]) => void;
}

export type ReadStopReason = 'max-messages' | 'max-time' | 'end' | 'caller' | 'aborted';

export interface ReadMessagesResult {
  readonly count: number;
  readonly stoppedBy: ReadStopReason;
  /** The next offset of every partition read or positioned: what a group commit holds. */
  readonly positions: readonly TopicPartitionOffset[];
  /** With stopAtEnd: the end offsets seen at the start. */
  readonly endOffsets: readonly TopicPartitionOffset[];
  /** With a group: the offsets committed. */
  readonly committed: readonly TopicPartitionOffset[];
}

const CATCH_UP_CHECK_MS = 200;

function key(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}

/**
 * Reads messages until a stop condition: the shared loop of `dagstream kafka consume`, the
 * `kafka.consume` operator and, later, the message browser. At least one of maxMessages, maxMs,
 * stopAtEnd or signal must be given, or it reads forever (that is what --follow wants).
 * A message past `maxMessages` is never delivered, nor committed.
 */
export async function readMessages(client: KafkaClient, options: ReadMessagesOptions): Promise<ReadMessagesResult> {
  const { topics, groupId, maxMessages, maxMs, stopAtEnd = false, commit = 'end', signal } = options;
  const start = options.start ?? 'earliest';
  if (topics.length === 0) throw invalid(client, 'Reading messages: no topic given.');
  if (groupId !== undefined && options.partitions !== undefined) {
    throw invalid(
      client,
      `Reading as consumer group "${groupId}": a group decides which partitions each member reads; drop the partition choice, or read without a group.`,
    );
  }
  if (maxMessages !== undefined && (!Number.isInteger(maxMessages) || maxMessages < 1)) {
    throw invalid(client, `Reading messages: the maximum number of messages must be a whole number of at least 1, not ${maxMessages}.`);
  }
  if (signal?.aborted) return { count: 0, stoppedBy: 'aborted', positions: [], endOffsets: [], committed: [] };

  const admin = await client.admin();
  // Where every partition starts and ends, as far as can be known before joining.
  const expectedStart = new Map<string, number>();
  const endAtStart = new Map<string, TopicPartitionOffset>();
  const chosen: (TopicPartition & { start: ConsumeStart })[] = [];
  for (const topic of [...new Set(topics)]) {
    const offsets = await admin.fetchOffsets(topic);
    const wanted = options.partitions ? new Set(options.partitions) : undefined;
    if (wanted) {
      const missing = [...wanted].filter((p) => !offsets.some((o) => o.partition === p));
      if (missing.length > 0) {
        throw invalid(
          client,
          `Reading topic "${topic}": it has no partition ${missing.join(', ')} (it has ${offsets.length}: 0-${offsets.length - 1}).`,
        );
      }
    }
    const selected = offsets.filter((o) => !wanted || wanted.has(o.partition));
    for (const o of selected) endAtStart.set(key(topic, o.partition), { topic, partition: o.partition, offset: o.high });
    if (stopAtEnd) {
      const starts = new Map((await admin.resolveStart(topic, start)).map((s) => [s.partition, s.offset]));
      const committed =
        groupId === undefined ? undefined : new Map((await admin.fetchGroupOffsets(groupId, topic)).map((c) => [c.partition, c.offset]));
      for (const o of selected) {
        expectedStart.set(key(topic, o.partition), committed?.get(o.partition) ?? starts.get(o.partition) ?? o.low);
      }
    }
    for (const o of selected) chosen.push({ topic, partition: o.partition, start });
  }

  const endOffsets = stopAtEnd ? [...endAtStart.values()] : [];
  const caughtUpAtStart = (): boolean => [...endAtStart].every(([k, end]) => (expectedStart.get(k) ?? 0) >= end.offset);
  if (stopAtEnd && caughtUpAtStart()) {
    return {
      count: 0,
      stoppedBy: 'end',
      positions: [...expectedStart].map(([k, offset]) => ({ ...endAtStart.get(k)!, offset })),
      endOffsets,
      committed: [],
    };
  }

  const consumer: KafkaConsumer =
    groupId === undefined
      ? client.assignedConsumer({ partitions: chosen })
      : client.groupConsumer({ groupId, topics: [...new Set(topics)], fallback: start });

  let count = 0;
  let stoppedBy: ReadStopReason | undefined;
  let stop: (reason: ReadStopReason) => void = () => undefined;
  const stopped = new Promise<ReadStopReason>((resolve) => {
    stop = (reason) => {
      stoppedBy ??= reason;
      resolve(stoppedBy);
    };
  });

  /** Next offset per partition after what the handler took: exact even before the consumer records it. */
  const read = new Map<string, TopicPartitionOffset>();
  const position = (topic: string, partition: number): number | undefined => {
    const k = key(topic, partition);
    const known = read.get(k)?.offset ?? consumer.positions().find((p) => p.topic === topic && p.partition === partition)?.offset;
    return known ?? expectedStart.get(k);
  };
  const positions = (): TopicPartitionOffset[] => {
    const merged = new Map(consumer.positions().map((p) => [key(p.topic, p.partition), p]));
    for (const [k, p] of read) merged.set(k, p);
    return [...merged.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  };
  const caughtUp = (): boolean => {
    const assigned = consumer.assignment();
    if (assigned.length === 0) return groupId === undefined; // a group member may get partitions later
    return assigned.every((tp) => {
      const end = endAtStart.get(key(tp.topic, tp.partition));
      if (!end) return true; // partitions added since the start were not asked for
      return (position(tp.topic, tp.partition) ?? -1) >= end.offset;
    });
  };

  const commitRead = async (): Promise<TopicPartitionOffset[]> => {
    if (groupId === undefined || commit === 'never') return [];
    const assigned = new Set(consumer.assignment().map((tp) => key(tp.topic, tp.partition)));
    const offsets = [...read.values()].filter((p) => assigned.has(key(p.topic, p.partition)));
    await consumer.commit(offsets);
    return [...offsets];
  };

  let failure: unknown;
  const timers: NodeJS.Timeout[] = [];
  const onAbort = (): void => stop('aborted');
  signal?.addEventListener('abort', onAbort, { once: true });
  if (maxMs !== undefined) timers.push(setTimeout(() => stop('max-time'), maxMs));
  try {
    const stopByCaller = (): void => stop('caller');
    const starting = consumer.start(async (batch, control) => {
      const done = (next: number, partial: boolean): void => {
        read.set(key(batch.topic, batch.partition), { topic: batch.topic, partition: batch.partition, offset: next });
        if (partial) control.resumeAt(next);
      };
      if (stoppedBy !== undefined) return done(batch.messages[0]!.offset, true); // read nothing more; nothing is lost
      for (const message of batch.messages) {
        if (maxMessages !== undefined && count >= maxMessages) {
          stop('max-messages');
          return done(message.offset, true);
        }
        try {
          options.onMessage(message, stopByCaller);
        } catch (error) {
          failure = error;
          stop('aborted');
          return done(message.offset, true);
        }
        count++;
        if (stoppedBy !== undefined) return done(message.offset + 1, true);
      }
      done(batch.nextOffset, false);
      if (maxMessages !== undefined && count >= maxMessages) stop('max-messages');
      else if (stopAtEnd) {
        // The consumer records the batch's position after this returns; count it now.
        const end = endAtStart.get(key(batch.topic, batch.partition));
        if (end && batch.nextOffset >= end.offset) {
          const others = consumer
            .assignment()
            .filter((tp) => tp.topic !== batch.topic || tp.partition !== batch.partition)
            .every((tp) => {
              const otherEnd = endAtStart.get(key(tp.topic, tp.partition));
              return !otherEnd || (position(tp.topic, tp.partition) ?? -1) >= otherEnd.offset;
            });
          if (others) stop('end');
        }
      }
      if (commit === 'batch' && groupId !== undefined) {
        await consumer.commit([{ topic: batch.topic, partition: batch.partition, offset: batch.nextOffset }]);
      }
    });
    starting.catch(() => undefined); // raced below; a join cut short by a stop is not a failure
    const joined = await Promise.race([starting.then((assignment) => ({ assignment })), stopped.then(() => undefined)]);
    if (joined === undefined) {
      if (failure !== undefined) throw failure;
      return { count, stoppedBy: stoppedBy ?? 'aborted', positions: positions(), endOffsets, committed: [] };
    }
    options.onStarted?.(joined.assignment);
    if (stopAtEnd) {
      const check = (): void => {
        if (caughtUp()) stop('end');
      };
      check();
      timers.push(setInterval(check, CATCH_UP_CHECK_MS));
    }
    const finished = consumer.done.then(
      () => stoppedBy ?? 'aborted',
      (error: unknown) => {
        failure ??= error;
        return 'aborted' as const;
      },
    );
    const reason = await Promise.race([stopped, finished]);
    if (failure !== undefined) throw failure;
    const committed = reason === 'aborted' ? [] : await commitRead();
    return { count, stoppedBy: reason, positions: positions(), endOffsets, committed };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    await consumer.close();
  }
}

function invalid(client: KafkaClient, message: string): KafkaClientError {
  return new KafkaClientError('invalid-request', message, client.profileName, undefined);
}
