import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel, Partitioners, type Consumer, type IHeaders, type KafkaMessage, type logCreator, type Producer } from 'kafkajs';
import { inject } from 'vitest';

/**
 * A kafkajs client for the run's broker; quiet unless something is wrong. `level` lowers it
 * further for a step whose error responses are the point of the test.
 */
export function testKafka(clientId: string, level: logLevel = logLevel.WARN): Kafka {
  const brokers = inject('kafkaBootstrap')
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address.length > 0);
  return new Kafka({ clientId, brokers, logLevel: level, logCreator: quietOnTransientCoordinatorErrors });
}

/**
 * kafkajs logs every error response at ERROR, even those it retries. On a broker that has just
 * started, the group coordinator answers "not available" or "loading" for a moment; those lines
 * say nothing about the test, so they are dropped and everything else is printed.
 */
const TRANSIENT_COORDINATOR_ERRORS: ReadonlySet<string> = new Set([
  'The group coordinator is not available',
  "The coordinator is loading and hence can't process requests for this group",
  'This is not the correct coordinator for this group',
]);

const quietOnTransientCoordinatorErrors: logCreator =
  () =>
  ({ namespace, label, log }) => {
    const { message, timestamp: _timestamp, ...extra } = log;
    const error: unknown = extra.error;
    if (typeof error === 'string' && TRANSIENT_COORDINATOR_ERRORS.has(error)) return;
    // The consumer's own "Crash: ..." line for the same errors; startGroupConsumer retries those and says so.
    if ([...TRANSIENT_COORDINATOR_ERRORS].some((transient) => message.endsWith(transient))) return;
    console.warn(`kafkajs ${label} [${namespace}] ${message} ${JSON.stringify(extra)}`);
  };

/** Naming the partitioner keeps kafkajs from warning that its default changed in 2.0. */
export function testProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
}

/** Topics and groups are never reused, so tests cannot see each other's messages or offsets. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export interface ReceivedMessage {
  readonly topic: string;
  readonly partition: number;
  /** kafkajs reports offsets as decimal strings; a number is exact below 2^53. */
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

export interface GroupConsumer {
  readonly received: readonly ReceivedMessage[];
  /** Resolves with everything received once at least `count` messages arrived. */
  waitForCount(count: number, timeoutMs?: number): Promise<readonly ReceivedMessage[]>;
  disconnect(): Promise<void>;
}

export interface StartGroupConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Each attempt is a fresh consumer; kafkajs's own restart is off so that failures surface here. */
  readonly maxJoinAttempts?: number;
  readonly joinTimeoutMs?: number;
}

/**
 * Joins a fresh consumer group, reading the topics from the beginning, and resolves once the
 * group has assigned partitions. On a freshly started broker the group coordinator may still
 * be creating or loading __consumer_offsets (COORDINATOR_NOT_AVAILABLE, GROUP_LOAD_IN_PROGRESS,
 * which kafkajs 2.2.4 does not retry on join: tulios/kafkajs PR #1779), so a join that crashes
 * on a retriable error is retried with a new consumer.
 */
export async function startGroupConsumer(kafka: Kafka, options: StartGroupConsumerOptions): Promise<GroupConsumer> {
  const { groupId, topics, maxJoinAttempts = 6, joinTimeoutMs = 60_000 } = options;
  for (let attempt = 1; ; attempt++) {
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 250,
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    const received: ReceivedMessage[] = [];
    const state: ConsumerState = { crash: undefined, onChange: new Set() };
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      consumer.on(consumer.events.CRASH, (event) => {
        state.crash = event.payload.error;
        reject(event.payload.error);
        for (const notify of state.onChange) notify();
      });
    });
    joined.catch(() => undefined); // awaited below; this only keeps Node from calling it unhandled
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          received.push(toReceived(topic, partition, message));
          for (const notify of state.onChange) notify();
        },
      });
      await withTimeout(joined, joinTimeoutMs, `joining consumer group ${groupId}`);
      return groupConsumer(consumer, groupId, received, state);
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      if (attempt >= maxJoinAttempts || !isRetriable(error)) {
        throw new Error(
          `Joining consumer group ${groupId} for ${topics.join(', ')} failed (attempt ${attempt} of ${maxJoinAttempts}): ${describeError(error)}`,
          { cause: error },
        );
      }
      console.warn(`Joining consumer group ${groupId} (attempt ${attempt}): ${describeError(error)}; retrying with a new consumer.`);
      await delay(250 * attempt); // back off before a new consumer asks the coordinator again
    }
  }
}

interface ConsumerState {
  crash: Error | undefined;
  readonly onChange: Set<() => void>;
}

function groupConsumer(consumer: Consumer, groupId: string, received: ReceivedMessage[], state: ConsumerState): GroupConsumer {
  return {
    received,
    waitForCount: (count, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (received.length >= count) finish(() => resolve(received));
          else if (state.crash)
            finish(() =>
              reject(
                new Error(
                  `Consumer of group ${groupId} crashed after ${received.length} of ${count} messages: ${describeError(state.crash)}`,
                ),
              ),
            );
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`Consumer of group ${groupId} received ${received.length} of ${count} messages in ${timeoutMs / 1000} s.`)),
            ),
          timeoutMs,
        );
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          state.onChange.delete(check);
          settle();
        };
        state.onChange.add(check);
        check();
      }),
    disconnect: () => consumer.disconnect(),
  };
}

function toReceived(topic: string, partition: number, message: KafkaMessage): ReceivedMessage {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key?.toString('utf8') ?? null,
    value: message.value?.toString('utf8') ?? null,
    headers: headersToStrings(message.headers),
  };
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    result[name] = (Array.isArray(value) ? value : [value]).map((v) => v.toString()).join(',');
  }
  return result;
}

/** kafkajs's own rule for restarting a crashed consumer: a retriable root cause. */
function isRetriable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'KafkaJSNumberOfRetriesExceeded') return true;
  let root: unknown = error;
  while (root instanceof Error && root.cause !== undefined) root = root.cause;
  return root instanceof Error && 'retriable' in root && root.retriable === true;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const causes: string[] = [];
  let current: unknown = error.cause;
  while (current instanceof Error) {
    causes.push(`${current.name}: ${current.message}`);
    current = current.cause;
  }
  return [`${error.name}: ${error.message}`, ...causes].join(' <- caused by ');
}

/** Rejects with what was being waited for when `promise` takes longer than `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs / 1000} s ${what}.`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` until it holds; for state the broker applies asynchronously (topic deletion). */
export async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting until ${what}.`);
    await delay(100);
  }
}
