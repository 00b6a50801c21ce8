import type { ConsumeStart, KafkaClient, KafkaConsumer, KafkaMessage, PartitionOffsets, TopicPartition } from './KafkaClient';
import { KafkaClientError } from './KafkaClientError';
import type { MessagePredicate } from './messageFilter';

export interface BrowseTopicOptions {
  readonly topic: string;
  /** Where every chosen partition starts. */
  readonly start: ConsumeStart;
  /** Only these partitions; default all. */
  readonly partitions?: readonly number[];
  /** Messages that fail it are counted as scanned, not delivered. */
  readonly filter?: MessagePredicate;
  /** Stop after delivering this many (the browser's memory bound). */
  readonly maxMessages: number;
  /** Deliver at most this many messages per page. Default 2,000. */
  readonly pageSize?: number;
  /** Deliver what is pending at least this often. Default 100 ms. */
  readonly pageIntervalMs?: number;
  /** A page of matched messages in arrival order, with the progress so far. */
  readonly onPage: (messages: readonly KafkaMessage[], progress: BrowseProgress) => void;
}

export interface BrowseProgress {
  /** Messages read, matched or not. */
  readonly scanned: number;
  /** Messages delivered. */
  readonly delivered: number;
  /** Every partition has reached the end offset it had when browsing started: from now on it is a live tail. */
  readonly caughtUp: boolean;
  /** maxMessages was reached and reading stopped. */
  readonly full: boolean;
}

export interface TopicBrowse {
  /** The partitions browsed, with their offsets when browsing started. */
  readonly partitions: readonly PartitionOffsets[];
  /** Stops fetching (a live tail on hold); what was fetched is still delivered. */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Settles when browsing stops: after close(), or rejected with a KafkaClientError. */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_PAGE_SIZE = 2_000;
const DEFAULT_PAGE_INTERVAL_MS = 100;

/**
 * Reads a topic for the message browser: from a start position, outside any consumer group
 * (nothing is committed), and on past the end as a live tail, handing messages over in pages so
 * that a view can append them without a message per message.
 */
export async function browseTopic(client: KafkaClient, options: BrowseTopicOptions): Promise<TopicBrowse> {
  const { topic, start, filter, maxMessages } = options;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const pageIntervalMs = options.pageIntervalMs ?? DEFAULT_PAGE_INTERVAL_MS;
  const admin = await client.admin();
  const all = await admin.fetchOffsets(topic);
  const wanted = options.partitions ? new Set(options.partitions) : undefined;
  if (wanted) {
    const missing = [...wanted].filter((p) => !all.some((o) => o.partition === p));
    if (missing.length > 0) {
      throw new KafkaClientError(
        'invalid-request',
        `Browsing topic "${topic}": it has no partition ${missing.join(', ')} (it has ${all.length}: 0-${all.length - 1}).`,
        client.profileName,
        undefined,
      );
    }
  }
  const partitions = all.filter((o) => !wanted || wanted.has(o.partition));
  const starts = new Map((await admin.resolveStart(topic, start)).map((s) => [s.partition, s.offset]));
  const endAtStart = new Map(partitions.map((p) => [p.partition, p.high]));
  const next = new Map(partitions.map((p) => [p.partition, starts.get(p.partition) ?? p.low]));
  const isCaughtUp = (): boolean => [...endAtStart].every(([partition, end]) => (next.get(partition) ?? 0) >= end);

  const consumer: KafkaConsumer = client.assignedConsumer({
    partitions: partitions.map((p) => ({ topic, partition: p.partition, start })),
  });
  const assigned: TopicPartition[] = partitions.map((p) => ({ topic, partition: p.partition }));

  let scanned = 0;
  let delivered = 0;
  let full = false;
  let paused = false;
  let closed = false;
  let pending: KafkaMessage[] = [];
  let lastCaughtUp = isCaughtUp();
  let dirty = true; // the first page (possibly empty) says where browsing stands

  const flush = (): void => {
    const caughtUp = isCaughtUp();
    if (pending.length === 0 && !dirty && caughtUp === lastCaughtUp) return;
    while (pending.length > 0 || dirty || caughtUp !== lastCaughtUp) {
      const page = pending.slice(0, pageSize);
      pending = pending.slice(page.length);
      dirty = false;
      lastCaughtUp = caughtUp;
      options.onPage(page, { scanned, delivered: delivered - pending.length, caughtUp, full });
    }
  };
  const timer = setInterval(() => {
    if (!closed) flush();
  }, pageIntervalMs);

  const finished = consumer.done.finally(() => clearInterval(timer));
  finished.catch(() => undefined);
  try {
    await consumer.start(async (batch, control) => {
      for (const message of batch.messages) {
        if (full || closed) {
          control.resumeAt(message.offset);
          return;
        }
        scanned++;
        next.set(batch.partition, message.offset + 1);
        if (filter && !filter(message)) continue;
        pending.push(message);
        delivered++;
        if (delivered >= maxMessages) {
          full = true;
          dirty = true;
          consumer.pause(assigned);
        }
      }
      if (!full) next.set(batch.partition, batch.nextOffset);
      if (pending.length >= pageSize) flush();
    });
  } catch (error) {
    clearInterval(timer);
    await consumer.close();
    throw error;
  }
  flush();

  return {
    partitions,
    pause() {
      if (paused || full) return;
      paused = true;
      consumer.pause(assigned);
    },
    resume() {
      if (!paused || full) return;
      paused = false;
      consumer.resume(assigned);
    },
    get paused() {
      return paused;
    },
    done: finished,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await consumer.close();
    },
  };
}
