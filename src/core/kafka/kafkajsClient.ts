import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AssignerProtocol,
  CompressionTypes,
  ConfigResourceTypes,
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type Batch,
  type Consumer,
  type IHeaders,
  type KafkaConfig,
  type KafkaMessage as KafkajsMessage,
  type LogEntry,
  type Message,
  type PartitionAssigner,
  type PartitionMetadata,
  type Producer,
  type RetryOptions,
  type SASLOptions,
} from 'kafkajs';
import type {
  AssignedConsumerOptions,
  BatchHandler,
  ClusterDescription,
  ConsumeStart,
  GroupCommittedOffset,
  GroupConsumerOptions,
  GroupDescription,
  GroupMember,
  GroupOffsetChange,
  GroupPartitionLag,
  GroupState,
  GroupSummary,
  KafkaAdmin,
  KafkaBatch,
  KafkaClient,
  KafkaConsumer,
  KafkaHeader,
  KafkaMessage,
  KafkaProducer,
  NewTopic,
  OutgoingMessage,
  PartitionOffsets,
  ProducedMessage,
  ProducerOptions,
  ResetGroupOffsetsRequest,
  SendOptions,
  TopicDescription,
  TopicPartition,
  TopicPartitionOffset,
  TopicSummary,
} from './KafkaClient';
import { KafkaClientError } from './KafkaClientError';
import { silentKafkaLogger, type KafkaLogger, type KafkaLogLevel } from './KafkaLogger';
import { redactSecrets } from './redactSecrets';
import type { ResolvedKafkaConnection } from './resolveKafkaConnection';
import { toKafkaClientError } from './toKafkaClientError';

/**
 * The kafkajs adapter of the core's Kafka interface (KafkaClient.ts), and the only module that
 * imports kafkajs. It adds what kafkajs lacks or gets wrong for Dagstream:
 * - fast, clear failures: an unreachable cluster is reported by the admin within a second or
 *   two (producers and consumers connect through it first) instead of after kafkajs's long
 *   retries, and unknown topics are checked up front instead of being retried for 10 s;
 * - joins that survive a freshly started broker (GROUP_LOAD_IN_PROGRESS and friends, which
 *   kafkajs 2.2.4 does not retry: tulios/kafkajs PR #1779), in consumers and in the admin's
 *   group calls;
 * - exact positions: consumers never commit on their own, seek before the first fetch of every
 *   assignment, and never re-deliver within a session after a rebalance or a broker restart;
 * - per-message partitions and offsets from the producer, and batches split to fit the broker;
 * - kafkajs's logging routed to a KafkaLogger, scrubbed of secrets.
 */
export interface KafkajsClientOptions {
  readonly logger?: KafkaLogger;
}

export function createKafkajsClient(connection: ResolvedKafkaConnection, options: KafkajsClientOptions = {}): KafkaClient {
  return new KafkajsClient(connection, options.logger ?? silentKafkaLogger);
}

/** Admin calls answer a user: fail in about a second when the cluster is not there. */
const ADMIN_RETRY: RetryOptions = { initialRetryTime: 250, retries: 2, maxRetryTime: 2_000 };
/**
 * Producers and consumers ride out a broker restart: fifteen retries back off from 0.3 s to at
 * most 5 s, about a minute in all, before a send fails or a consumer gives up. The cap keeps the
 * recovery prompt: with 30 s between the last retries a sink stalled for up to half a minute
 * after its broker was back (measured in test/kafka/sinkBrokerRestart.test.ts).
 */
const STREAM_RETRY: RetryOptions = { initialRetryTime: 300, retries: 15, maxRetryTime: 5_000 };
/** Coordinator errors of a broker that is still loading its group metadata; they pass in seconds. */
const TRANSIENT_COORDINATOR_TYPES: ReadonlySet<string> = new Set([
  'GROUP_LOAD_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'REBALANCE_IN_PROGRESS',
]);
const COORDINATOR_RETRY_DEADLINE_MS = 30_000;
const MAX_JOIN_ATTEMPTS = 8;
/** Below the broker's default message.max.bytes (1 MiB) with room for batch overhead. */
const MAX_REQUEST_BYTES_PER_PARTITION = 900_000;
/** Partitions of one send() written at once, each with one request in flight. */
const MAX_PARTITIONS_IN_FLIGHT = 8;
/** Per-record overhead estimate (varints, attributes, header framing) for splitting batches. */
const RECORD_OVERHEAD_BYTES = 24;
const TOPIC_METADATA_TTL_MS = 10_000;
/** How long a fetch waits at the end of a partition before answering empty. */
const FETCH_MAX_WAIT_MS = 500;
const EXPLICIT_ASSIGNER = 'DagstreamExplicitAssigner';

interface Closable {
  close(): Promise<void>;
}

class KafkajsClient implements KafkaClient {
  readonly profileName: string;
  readonly brokers: readonly string[];
  /** For producers and consumers: kafkajs applies a client's retry settings to every connection it makes. */
  readonly kafka: Kafka;
  /** For the admin: the same connection with short retries, so that answers to a user come fast. */
  readonly adminKafka: Kafka;
  private readonly adminClient: KafkajsAdmin;
  private readonly open = new Set<Closable>();
  private closed = false;

  constructor(
    readonly connection: ResolvedKafkaConnection,
    readonly logger: KafkaLogger,
  ) {
    this.profileName = connection.profileName;
    this.brokers = connection.brokers;
    this.kafka = new Kafka(kafkaConfig(connection, logger, STREAM_RETRY));
    this.adminKafka = new Kafka(kafkaConfig(connection, logger, ADMIN_RETRY));
    this.adminClient = new KafkajsAdmin(this);
  }

  fail(error: unknown, action: string, extra: { topic?: string; groupId?: string } = {}): KafkaClientError {
    return toKafkaClientError(error, { profileName: this.profileName, brokers: this.brokers, action, ...extra });
  }

  assertOpen(action: string): void {
    if (this.closed) {
      throw new KafkaClientError(
        'closed',
        `${action}: the Kafka client of profile "${this.profileName}" is closed; open a new one.`,
        this.profileName,
        undefined,
      );
    }
  }

  async admin(): Promise<KafkaAdmin> {
    this.assertOpen('Connecting to Kafka');
    await this.adminClient.connection();
    return this.adminClient;
  }

  async producer(options: ProducerOptions = {}): Promise<KafkaProducer> {
    this.assertOpen('Creating a Kafka producer');
    await this.adminClient.connection(); // fails fast, with the usual message, when the cluster is down
    const producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      retry: STREAM_RETRY,
      ...(options.idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {}),
    });
    try {
      await producer.connect();
    } catch (error) {
      throw this.fail(error, 'connecting a producer');
    }
    return this.track(new KafkajsProducer(producer, this, options));
  }

  groupConsumer(options: GroupConsumerOptions): KafkaConsumer {
    this.assertOpen('Creating a Kafka consumer');
    if (options.topics.length === 0) {
      throw new KafkaClientError('invalid-request', `Consumer group "${options.groupId}": no topics to read.`, this.profileName, undefined);
    }
    return this.track(new KafkajsConsumer(this, { kind: 'group', ...options }));
  }

  assignedConsumer(options: AssignedConsumerOptions): KafkaConsumer {
    this.assertOpen('Creating a Kafka consumer');
    return this.track(new KafkajsConsumer(this, { kind: 'assigned', ...options }));
  }

  get sharedAdmin(): KafkajsAdmin {
    return this.adminClient;
  }

  track<T extends Closable>(item: T): T {
    this.open.add(item);
    return item;
  }

  untrack(item: Closable): void {
    this.open.delete(item);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const items = [...this.open];
    this.open.clear();
    await Promise.allSettled(items.map((item) => item.close()));
    await this.adminClient.close();
  }
}

function kafkaConfig(connection: ResolvedKafkaConnection, logger: KafkaLogger, retry: RetryOptions): KafkaConfig {
  const { tls, sasl } = connection;
  return {
    clientId: connection.clientId,
    brokers: [...connection.brokers],
    connectionTimeout: connection.connectionTimeoutMs,
    requestTimeout: connection.requestTimeoutMs,
    retry,
    logLevel: logLevel.INFO,
    logCreator: () => (entry) => routeLog(entry, logger, connection.secrets),
    ...(tls
      ? {
          ssl: {
            rejectUnauthorized: tls.rejectUnauthorized,
            ...(tls.ca === undefined ? {} : { ca: [tls.ca] }),
            ...(tls.cert === undefined ? {} : { cert: tls.cert }),
            ...(tls.key === undefined ? {} : { key: tls.key }),
            ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
          },
        }
      : {}),
    ...(sasl ? { sasl: saslOptions(sasl) } : {}),
  };
}

function saslOptions(sasl: NonNullable<ResolvedKafkaConnection['sasl']>): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/** kafkajs logs errors it recovers from at ERROR; these say nothing to a user. */
const ROUTINE_LOG_MESSAGES: readonly RegExp[] = [
  /coordinator is (loading|not available)/i,
  /not the correct coordinator/i,
  /group is rebalancing/i,
  /Consumer has joined the group/,
  /Starting$/,
  /Stopped$/,
  /consumer (not running|has stopped)/i,
  // Every error answer of the broker, logged before kafkajs retries it or hands it to us, where
  // it becomes the caller's error if it matters.
  /^Response \w+\(key: \d+, version: \d+\)$/,
];

function routeLog(entry: LogEntry, logger: KafkaLogger, secrets: readonly string[]): void {
  const {
    message,
    timestamp: _timestamp,
    logger: _origin,
    stack: _stack,
    ...extra
  } = entry.log as LogEntry['log'] & Record<string, unknown>;
  let level: KafkaLogLevel =
    entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : entry.level === logLevel.INFO ? 'info' : 'debug';
  const errorText = typeof extra.error === 'string' ? extra.error : '';
  if (ROUTINE_LOG_MESSAGES.some((pattern) => pattern.test(message) || pattern.test(errorText))) level = 'debug';
  const fields = Object.entries(extra)
    .filter(([, value]) => value !== undefined && (typeof value !== 'object' || value === null))
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
  logger(level, redactSecrets(`kafkajs [${entry.namespace}] ${message}${fields ? ` (${fields})` : ''}`, secrets));
}

function isTransientCoordinatorError(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const type = (current as Error & { type?: unknown }).type;
    if (typeof type === 'string' && TRANSIENT_COORDINATOR_TYPES.has(type)) return true;
    if (current.name === 'KafkaJSGroupCoordinatorNotFound') return true;
  }
  return false;
}

/** kafkajs's own rule for restarting a crashed consumer: a retriable root cause. */
function isRetriable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'KafkaJSNumberOfRetriesExceeded') return true;
  let root: unknown = error;
  while (root instanceof Error && root.cause !== undefined) root = root.cause;
  return root instanceof Error && (root as Error & { retriable?: unknown }).retriable === true;
}

/** Retries `work` while a group coordinator is still loading (fresh broker) or moving. */
async function withCoordinatorRetry<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + COORDINATOR_RETRY_DEADLINE_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientCoordinatorError(error) || Date.now() > deadline) throw error;
      await delay(Math.min(100 * attempt, 1_000));
    }
  }
}

function toNumber(value: string | number | null | undefined, fallback = -1): number {
  if (value === null || value === undefined || value === '') return fallback;
  const number = Number(value);
  return Number.isFinite(number) ? number : fallback;
}

function partitionKey(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}

const GROUP_STATES: ReadonlySet<string> = new Set(['Empty', 'Stable', 'PreparingRebalance', 'CompletingRebalance', 'Dead']);

function groupState(state: string): GroupState {
  return GROUP_STATES.has(state) ? (state as GroupState) : 'Unknown';
}

function decodeAssignment(buffer: Buffer): TopicPartition[] {
  if (buffer.length === 0) return [];
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    if (!decoded) return [];
    return Object.entries(decoded.assignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
  } catch {
    return []; // a non-consumer protocol (Kafka Connect) encodes assignments differently
  }
}

function comparePartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1;
}

class KafkajsAdmin implements KafkaAdmin {
  private current: Promise<Admin> | undefined;

  constructor(private readonly client: KafkajsClient) {}

  /** The connected kafkajs admin; connects on first use and after a reset. */
  connection(): Promise<Admin> {
    if (!this.current) {
      const admin = this.client.adminKafka.admin({ retry: ADMIN_RETRY });
      const connecting = admin.connect().then(
        () => admin,
        async (error: unknown) => {
          this.current = undefined;
          await admin.disconnect().catch(() => undefined);
          throw this.client.fail(error, 'connecting');
        },
      );
      this.current = connecting;
    }
    return this.current;
  }

  /**
   * kafkajs keeps refreshing the metadata of every topic it was once asked about; when one of
   * them is deleted elsewhere, all its later calls fail as "unknown topic". A fresh connection
   * forgets them.
   */
  private async reset(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    if (current) await current.then((admin) => admin.disconnect()).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.reset();
  }

  /** Runs an admin call, mapping its failure; retried once on a fresh connection after "unknown topic". */
  private async run<T>(action: string, work: (admin: Admin) => Promise<T>, extra: { topic?: string; groupId?: string } = {}): Promise<T> {
    this.client.assertOpen(capitalise(action));
    for (let attempt = 1; ; attempt++) {
      const admin = await this.connection();
      try {
        return await work(admin);
      } catch (error) {
        const mapped = this.client.fail(error, action, extra);
        if (mapped.code === 'unknown-topic' && attempt === 1) {
          await this.reset();
          continue;
        }
        if (mapped.code === 'unreachable') await this.reset();
        throw mapped;
      }
    }
  }

  /** Partition metadata of one topic; fails fast with `unknown-topic`. */
  async topicPartitions(topic: string, action: string): Promise<PartitionMetadata[]> {
    return this.run(
      action,
      async (admin) => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        const partitions = topics.find((t) => t.name === topic)?.partitions ?? [];
        return [...partitions].sort((a, b) => a.partitionId - b.partitionId);
      },
      { topic },
    );
  }

  describeCluster(): Promise<ClusterDescription> {
    return this.run('describing the cluster', async (admin) => {
      const cluster = await admin.describeCluster();
      return {
        clusterId: cluster.clusterId,
        controllerId: cluster.controller,
        brokers: cluster.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })).sort((a, b) => a.nodeId - b.nodeId),
      };
    });
  }

  listTopics(options: { readonly includeInternal?: boolean } = {}): Promise<TopicSummary[]> {
    return this.run('listing topics', async (admin) => {
      const names = (await admin.listTopics()).filter((name) => options.includeInternal || !isInternalTopic(name));
      if (names.length === 0) return [];
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      return topics
        .map((topic) => ({
          name: topic.name,
          partitionCount: topic.partitions.length,
          replicationFactor:
            topic.partitions.find((p) => p.partitionId === 0)?.replicas.length ?? topic.partitions[0]?.replicas.length ?? 0,
          internal: isInternalTopic(topic.name),
        }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }

  async createTopic(topic: NewTopic): Promise<void> {
    const action = `creating topic "${topic.name}"`;
    const created = await this.run(
      action,
      (admin) =>
        admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: topic.name,
              numPartitions: topic.partitions ?? 1,
              replicationFactor: topic.replicationFactor ?? 1,
              configEntries: Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value })),
            },
          ],
        }),
      { topic: topic.name },
    );
    // kafkajs reports an existing topic as `false` rather than as an error.
    if (!created) throw this.client.fail({ type: 'TOPIC_ALREADY_EXISTS' }, action, { topic: topic.name });
  }

  async describeTopic(topic: string): Promise<TopicDescription> {
    const action = `describing topic "${topic}"`;
    const partitions = await this.topicPartitions(topic, action);
    const [offsets, configs] = await Promise.all([
      this.fetchOffsets(topic),
      this.run(
        action,
        (admin) => admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] }),
        { topic },
      ),
    ]);
    const offsetsByPartition = new Map(offsets.map((o) => [o.partition, o]));
    return {
      name: topic,
      internal: isInternalTopic(topic),
      partitions: partitions.map((p) => ({
        partition: p.partitionId,
        leader: p.leader,
        replicas: [...p.replicas],
        isr: [...p.isr],
        offlineReplicas: [...(p.offlineReplicas ?? [])],
        low: offsetsByPartition.get(p.partitionId)?.low ?? 0,
        high: offsetsByPartition.get(p.partitionId)?.high ?? 0,
      })),
      configs: (configs.resources[0]?.configEntries ?? [])
        .map((entry) => ({
          name: entry.configName,
          value: entry.configValue ?? null,
          isDefault: entry.isDefault,
          isSensitive: entry.isSensitive,
          readOnly: entry.readOnly,
        }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    };
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const action = `deleting ${topics.length === 1 ? `topic "${topics[0]}"` : `topics ${topics.map((t) => `"${t}"`).join(', ')}`}`;
    // kafkajs retries an unknown topic for about 10 s; look first and say which.
    const existing = new Set(await this.run(action, (admin) => admin.listTopics()));
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      throw new KafkaClientError(
        'unknown-topic',
        `${capitalise(action)} failed (profile "${this.client.profileName}", broker ${this.client.brokers.join(',')}): ` +
          `${missing.map((t) => `"${t}"`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist, so nothing was deleted. List topics with \`dagstream kafka topics list\`.`,
        this.client.profileName,
        this.client.brokers[0],
      );
    }
    await this.run(action, (admin) => admin.deleteTopics({ topics: [...topics] }));
  }

  async fetchOffsets(topic: string): Promise<PartitionOffsets[]> {
    const action = `reading the offsets of topic "${topic}"`;
    await this.topicPartitions(topic, action); // fast unknown-topic check
    const offsets = await this.run(action, (admin) => admin.fetchTopicOffsets(topic), { topic });
    return offsets
      .map((o) => ({ partition: o.partition, low: toNumber(o.low, 0), high: toNumber(o.high, 0) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async fetchOffsetsForTimestamp(topic: string, timestamp: number): Promise<TopicPartitionOffset[]> {
    const action = `looking up the offsets of topic "${topic}" at ${new Date(timestamp).toISOString()}`;
    await this.topicPartitions(topic, action);
    const offsets = await this.run(action, (admin) => admin.fetchTopicOffsetsByTimestamp(topic, timestamp), { topic });
    return offsets.map((o) => ({ topic, partition: o.partition, offset: toNumber(o.offset, 0) })).sort((a, b) => a.partition - b.partition);
  }

  async resolveStart(topic: string, start: ConsumeStart): Promise<TopicPartitionOffset[]> {
    if (typeof start === 'object' && 'timestamp' in start) return this.fetchOffsetsForTimestamp(topic, start.timestamp);
    const offsets = await this.fetchOffsets(topic);
    return offsets.map(({ partition, low, high }) => ({
      topic,
      partition,
      offset: start === 'earliest' ? low : start === 'latest' ? high : Math.min(Math.max(start.offset, low), high),
    }));
  }

  async fetchGroupOffsets(groupId: string, topic: string): Promise<GroupCommittedOffset[]> {
    const action = `reading the committed offsets of consumer group "${groupId}" on topic "${topic}"`;
    await this.topicPartitions(topic, action);
    const committed = await this.run(action, (admin) => withCoordinatorRetry(() => admin.fetchOffsets({ groupId, topics: [topic] })), {
      groupId,
      topic,
    });
    return (committed[0]?.partitions ?? [])
      .map(({ partition, offset }) => {
        const value = toNumber(offset);
        return { topic, partition, offset: value >= 0 ? value : null };
      })
      .sort((a, b) => a.partition - b.partition);
  }

  listGroups(): Promise<GroupSummary[]> {
    return this.run('listing consumer groups', async (admin) => {
      const { groups } = await withCoordinatorRetry(() => admin.listGroups());
      if (groups.length === 0) return [];
      const described = await withCoordinatorRetry(() => admin.describeGroups(groups.map((g) => g.groupId)));
      const byId = new Map(described.groups.map((g) => [g.groupId, g]));
      return groups
        .map(({ groupId, protocolType }) => {
          const group = byId.get(groupId);
          return {
            groupId,
            state: groupState(group?.state ?? 'Unknown'),
            protocolType: group?.protocolType || protocolType,
            memberCount: group?.members.length ?? 0,
          };
        })
        .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
    });
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    const action = `describing consumer group "${groupId}"`;
    const extra = { groupId };
    const group = await this.run(
      action,
      async (admin) => (await withCoordinatorRetry(() => admin.describeGroups([groupId]))).groups[0],
      extra,
    );
    const members: GroupMember[] = (group?.members ?? []).map((member) => ({
      memberId: member.memberId,
      clientId: member.clientId,
      host: member.clientHost,
      assignment: decodeAssignment(member.memberAssignment).sort(comparePartitions),
    }));
    const ownerOf = new Map<string, string>();
    for (const member of members) for (const tp of member.assignment) ownerOf.set(partitionKey(tp.topic, tp.partition), member.memberId);

    // kafkajs cannot ask for "all topics the group has offsets for", so ask about every topic.
    const topics = (await this.listTopics()).map((t) => t.name);
    const committed =
      topics.length === 0
        ? []
        : await this.run(action, (admin) => withCoordinatorRetry(() => admin.fetchOffsets({ groupId, topics })), extra);
    const committedBy = new Map<string, number>();
    for (const { topic, partitions } of committed) {
      for (const { partition, offset } of partitions) {
        const value = toNumber(offset);
        if (value >= 0) committedBy.set(partitionKey(topic, partition), value);
      }
    }
    const relevant = new Set<string>();
    for (const { topic, partitions } of committed) if (partitions.some((p) => toNumber(p.offset) >= 0)) relevant.add(topic);
    for (const member of members) for (const tp of member.assignment) relevant.add(tp.topic);

    const offsets: GroupPartitionLag[] = [];
    for (const topic of [...relevant].sort()) {
      let ends: PartitionOffsets[];
      try {
        ends = await this.fetchOffsets(topic);
      } catch (error) {
        if (error instanceof KafkaClientError && error.code === 'unknown-topic') continue; // deleted since
        throw error;
      }
      for (const { partition, high } of ends) {
        const key = partitionKey(topic, partition);
        const committedOffset = committedBy.get(key) ?? null;
        offsets.push({
          topic,
          partition,
          committedOffset,
          endOffset: high,
          lag: committedOffset === null ? null : Math.max(0, high - committedOffset),
          memberId: ownerOf.get(key) ?? null,
        });
      }
    }
    return {
      groupId,
      state: groupState(group?.state ?? 'Dead'),
      protocolType: group?.protocolType ?? '',
      protocol: group?.protocol ?? '',
      members,
      offsets,
      totalLag: offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0),
    };
  }

  async resetGroupOffsets(request: ResetGroupOffsetsRequest): Promise<GroupOffsetChange[]> {
    const { groupId, topic, to } = request;
    const action = `resetting the offsets of consumer group "${groupId}" on topic "${topic}"`;
    const extra = { groupId, topic };
    const group = await this.run(
      action,
      async (admin) => (await withCoordinatorRetry(() => admin.describeGroups([groupId]))).groups[0],
      extra,
    );
    const members = group?.members ?? [];
    if (members.length > 0) throw this.groupActiveError(groupId, group?.state ?? 'Unknown', members);

    let targets = await this.resolveStart(topic, to);
    if (request.partitions) {
      const known = new Set(targets.map((t) => t.partition));
      const unknown = request.partitions.filter((p) => !known.has(p));
      if (unknown.length > 0) {
        throw new KafkaClientError(
          'invalid-request',
          `${capitalise(action)}: topic "${topic}" has no partition ${unknown.join(', ')} (it has ${targets.length}: 0-${targets.length - 1}).`,
          this.client.profileName,
          undefined,
        );
      }
      const wanted = new Set(request.partitions);
      targets = targets.filter((t) => wanted.has(t.partition));
    }
    const previous = await this.run(action, (admin) => withCoordinatorRetry(() => admin.fetchOffsets({ groupId, topics: [topic] })), extra);
    const previousBy = new Map((previous[0]?.partitions ?? []).map((p) => [p.partition, toNumber(p.offset)]));
    if (!request.dryRun && targets.length > 0) {
      await this.run(action, () => withCoordinatorRetry(() => this.commitAsSoleMember(groupId, targets)), extra);
    }
    return targets.map((t) => {
      const before = previousBy.get(t.partition);
      return { topic, partition: t.partition, previousOffset: before !== undefined && before >= 0 ? before : null, newOffset: t.offset };
    });
  }

  async commitGroupOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const action = `committing the offsets of consumer group "${groupId}"`;
    const group = await this.run(action, async (admin) => (await withCoordinatorRetry(() => admin.describeGroups([groupId]))).groups[0], {
      groupId,
    });
    const members = group?.members ?? [];
    if (members.length > 0) throw this.groupActiveError(groupId, group?.state ?? 'Unknown', members, 'commit the offsets of');
    await this.run(action, () => withCoordinatorRetry(() => this.commitAsSoleMember(groupId, offsets)), { groupId });
  }

  /**
   * Commits offsets for a group that has no members by joining it for a moment as its only
   * member, assigned exactly these partitions and fetching nothing. kafkajs's own setOffsets
   * does the same but then waits for a fetch that its paused consumer only answers after 5 s.
   */
  private async commitAsSoleMember(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const consumer = this.client.adminKafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
      partitionAssigners: [explicitAssigner(offsets)],
      retry: { ...ADMIN_RETRY, restartOnFailure: () => Promise.resolve(false) },
    });
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => {
        consumer.pause(groupByTopic(offsets));
        resolve();
      });
      consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
    });
    joined.catch(() => undefined);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...new Set(offsets.map((o) => o.topic))] });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: () => Promise.resolve() });
      await joined;
      await consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })));
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  private groupActiveError(
    groupId: string,
    state: string,
    members: readonly { clientId: string; clientHost: string }[],
    doing = 'reset the offsets of',
  ): KafkaClientError {
    const who = members.length > 0 ? ` (${members.map((m) => `${m.clientId} on ${m.clientHost.replace(/^\//, '')}`).join(', ')})` : '';
    return new KafkaClientError(
      'group-active',
      `Cannot ${doing} consumer group "${groupId}" (profile "${this.client.profileName}"): it has ${members.length > 0 ? members.length : 'an'} active member${members.length === 1 ? '' : 's'}${who}, state ${state}. ` +
        'Stop its consumers first; a running member would overwrite the new offsets with its own positions.',
      this.client.profileName,
      undefined,
    );
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) return;
    await this.run(`deleting consumer group${groupIds.length === 1 ? '' : 's'} ${groupIds.map((g) => `"${g}"`).join(', ')}`, (admin) =>
      withCoordinatorRetry(() => admin.deleteGroups([...groupIds])),
    );
  }
}

function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface PlannedMessage {
  readonly index: number;
  readonly message: Message;
  readonly bytes: number;
}

class KafkajsProducer implements KafkaProducer {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly metadata = new Map<string, { partitions: PartitionMetadata[]; at: number }>();
  private closed = false;

  constructor(
    private readonly producer: Producer,
    private readonly client: KafkajsClient,
    private readonly options: ProducerOptions,
  ) {}

  async send(topic: string, messages: readonly OutgoingMessage[], options: SendOptions = {}): Promise<ProducedMessage[]> {
    const action = `producing to topic "${topic}"`;
    if (this.closed)
      throw new KafkaClientError('closed', `${capitalise(action)}: the producer is closed.`, this.client.profileName, undefined);
    if (messages.length === 0) return [];
    const acks = options.acks ?? -1;
    if (this.options.idempotent && acks !== -1) {
      throw new KafkaClientError(
        'invalid-request',
        `${capitalise(action)}: an idempotent producer needs acks -1 (all replicas), not ${acks}.`,
        this.client.profileName,
        undefined,
      );
    }
    const partitions = await this.partitionsOf(topic, action);
    const byPartition = new Map<number, PlannedMessage[]>();
    messages.forEach((outgoing, index) => {
      const message = toKafkajsMessage(outgoing);
      const partition = outgoing.partition ?? this.partitioner({ topic, partitionMetadata: partitions, message });
      if (!partitions.some((p) => p.partitionId === partition)) {
        throw new KafkaClientError(
          'invalid-request',
          `${capitalise(action)}: message ${index + 1} asks for partition ${partition}, but the topic has partitions 0-${partitions.length - 1}.`,
          this.client.profileName,
          undefined,
        );
      }
      const planned = { index, message: { ...message, partition }, bytes: messageBytes(outgoing) };
      const list = byPartition.get(partition);
      if (list) list.push(planned);
      else byPartition.set(partition, [planned]);
    });

    const results: ProducedMessage[] = new Array<ProducedMessage>(messages.length);
    // Per partition, requests of at most MAX_REQUEST_BYTES_PER_PARTITION: the broker refuses a
    // partition's batch above message.max.bytes.
    const chunksByPartition: PlannedMessage[][][] = [];
    for (const list of byPartition.values()) {
      const chunks: PlannedMessage[][] = [];
      let chunk: PlannedMessage[] = [];
      let bytes = 0;
      for (const planned of list) {
        if (chunk.length > 0 && bytes + planned.bytes > MAX_REQUEST_BYTES_PER_PARTITION) {
          chunks.push(chunk);
          chunk = [];
          bytes = 0;
        }
        chunk.push(planned);
        bytes += planned.bytes;
      }
      if (chunk.length > 0) chunks.push(chunk);
      chunksByPartition.push(chunks);
    }
    const sendChunk = async (round: PlannedMessage[]): Promise<void> => {
      let metadata;
      try {
        metadata = await this.producer.send({
          topic,
          acks,
          compression: options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
          ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
          messages: round.map((planned) => planned.message),
        });
      } catch (error) {
        const known = this.metadata.get(topic);
        if (known) this.metadata.set(topic, { partitions: known.partitions, at: 0 }); // refresh next time
        throw this.client.fail(error, action, { topic });
      }
      const baseOffsets = new Map<number, number>();
      for (const entry of metadata) {
        const base = toNumber(entry.baseOffset ?? entry.offset);
        if (entry.topicName === topic && base >= 0) baseOffsets.set(entry.partition, base);
      }
      const seen = new Map<number, number>();
      for (const planned of round) {
        const partition = planned.message.partition!;
        const position = seen.get(partition) ?? 0;
        seen.set(partition, position + 1);
        const base = baseOffsets.get(partition);
        results[planned.index] = { partition, offset: base === undefined ? null : base + position };
      }
    };
    // Partitions are written side by side, each in order: one request per partition in flight,
    // up to MAX_PARTITIONS_IN_FLIGHT partitions at once. Waiting for each acknowledgement before
    // the next request of any partition left the connection idle for most of a big send (a
    // quarter of kcat's rate); concurrent requests of one partition could be reordered (kafkajs
    // may write a later send() to the socket first), so a partition never has two. The
    // idempotent producer keeps one request in flight, as kafkajs requires.
    const lanes = this.options.idempotent ? 1 : MAX_PARTITIONS_IN_FLIGHT;
    let nextPartition = 0;
    let failure: unknown;
    const lane = async (): Promise<void> => {
      while (nextPartition < chunksByPartition.length && failure === undefined) {
        for (const chunk of chunksByPartition[nextPartition++]!) {
          if (failure !== undefined) return;
          await sendChunk(chunk).catch((error: unknown) => void (failure ??= error));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(lanes, chunksByPartition.length) }, lane));
    if (failure !== undefined) throw failure;
    return results;
  }

  private async partitionsOf(topic: string, action: string): Promise<PartitionMetadata[]> {
    const cached = this.metadata.get(topic);
    if (cached && Date.now() - cached.at < TOPIC_METADATA_TTL_MS) return cached.partitions;
    try {
      const partitions = await this.client.sharedAdmin.topicPartitions(topic, action);
      this.metadata.set(topic, { partitions, at: Date.now() });
      return partitions;
    } catch (error) {
      // While a broker restarts the admin fails fast; the partitions known from before still
      // hold, and the send itself waits out the restart.
      if (cached && error instanceof KafkaClientError && error.code !== 'unknown-topic') return cached.partitions;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.untrack(this);
    await this.producer.disconnect().catch(() => undefined);
  }
}

function toKafkajsMessage(outgoing: OutgoingMessage): Message {
  const headers: IHeaders = {};
  for (const { key, value } of outgoing.headers ?? []) {
    const existing = headers[key];
    if (existing === undefined) headers[key] = value;
    else headers[key] = [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return {
    key: outgoing.key ?? null,
    value: outgoing.value,
    ...(outgoing.headers && outgoing.headers.length > 0 ? { headers } : {}),
    ...(outgoing.timestamp === undefined ? {} : { timestamp: String(outgoing.timestamp) }),
  };
}

function messageBytes(outgoing: OutgoingMessage): number {
  const size = (value: Buffer | string | null | undefined): number =>
    value === null || value === undefined ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  let bytes = RECORD_OVERHEAD_BYTES + size(outgoing.key) + size(outgoing.value);
  for (const header of outgoing.headers ?? []) bytes += 8 + Buffer.byteLength(header.key) + size(header.value);
  return bytes;
}

function toKafkaMessage(topic: string, partition: number, message: KafkajsMessage): KafkaMessage {
  const headers: KafkaHeader[] = [];
  for (const [key, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value])
      headers.push({ key, value: Buffer.isBuffer(item) ? item : Buffer.from(item) });
  }
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key,
    value: message.value,
    headers,
  };
}

type ConsumerMode = ({ kind: 'group' } & GroupConsumerOptions) | ({ kind: 'assigned' } & AssignedConsumerOptions);

/**
 * Assigns a group's member exactly the partitions it was asked for. The group it is used with is
 * private to one consumer (assigned mode), so the first member is the only one.
 */
function explicitAssigner(partitions: readonly TopicPartition[]): PartitionAssigner {
  return () => ({
    name: EXPLICIT_ASSIGNER,
    version: 1,
    protocol: ({ topics }) => ({
      name: EXPLICIT_ASSIGNER,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    }),
    assign: ({ members }) => {
      const assignment: Record<string, number[]> = {};
      for (const { topic, partition } of partitions) (assignment[topic] ??= []).push(partition);
      const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
      return Promise.resolve(
        sorted.map((member, index) => ({
          memberId: member.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 1,
            assignment: index === 0 ? assignment : {},
            userData: Buffer.alloc(0),
          }),
        })),
      );
    },
  });
}

class KafkajsConsumer implements KafkaConsumer {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: unknown) => void;
  private consumer: Consumer | undefined;
  private readonly groupId: string;
  private readonly positionsByKey = new Map<string, TopicPartitionOffset>();
  private readonly startOffsets = new Map<string, number>();
  private readonly userPaused = new Map<string, TopicPartition>();
  private assigned: readonly TopicPartition[] = [];
  /** Bumped on every assignment, so that batches of an earlier one are recognised as stale. */
  private generation = 0;
  private started = false;
  private joined = false;
  private closing = false;
  private closePromise: Promise<void> | undefined;
  private onFirstJoin: ((result: { error?: unknown }) => void) | undefined;

  constructor(
    private readonly client: KafkajsClient,
    private readonly mode: ConsumerMode,
  ) {
    this.groupId =
      mode.kind === 'group'
        ? mode.groupId
        : `dagstream-reader-${client.connection.clientId}-${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => undefined); // callers that never look at `done` must not see an unhandled rejection
  }

  private get action(): string {
    return this.mode.kind === 'group'
      ? `consuming ${this.mode.topics.map((t) => `"${t}"`).join(', ')} in consumer group "${this.mode.groupId}"`
      : `consuming ${[...new Set(this.mode.partitions.map((p) => `"${p.topic}"`))].join(', ')}`;
  }

  private get topics(): string[] {
    return this.mode.kind === 'group' ? [...new Set(this.mode.topics)] : [...new Set(this.mode.partitions.map((p) => p.topic))];
  }

  async start(handler: BatchHandler): Promise<readonly TopicPartition[]> {
    if (this.started) throw new Error('KafkaConsumer.start() was called twice; create a new consumer instead.');
    this.started = true;
    try {
      return await this.startOrThrow(handler);
    } catch (error) {
      const failure = this.client.fail(error, this.action, this.topics.length === 1 ? { topic: this.topics[0]! } : {});
      await this.shutdown(failure);
      throw failure;
    }
  }

  private async startOrThrow(handler: BatchHandler): Promise<readonly TopicPartition[]> {
    const admin = this.client.sharedAdmin;
    // Checked here because kafkajs retries an unknown topic for a long time before it says so.
    for (const topic of this.topics) await admin.topicPartitions(topic, this.action);
    if (this.mode.kind === 'assigned') {
      for (const { topic, partition, start } of this.mode.partitions) {
        const resolved = await admin.resolveStart(topic, start);
        const offset = resolved.find((r) => r.partition === partition)?.offset;
        if (offset === undefined) {
          throw new KafkaClientError(
            'invalid-request',
            `${capitalise(this.action)}: topic "${topic}" has no partition ${partition} (it has ${resolved.length}: 0-${resolved.length - 1}).`,
            this.client.profileName,
            undefined,
          );
        }
        this.startOffsets.set(partitionKey(topic, partition), offset);
      }
      if (this.mode.partitions.length === 0) return [];
    }
    for (let attempt = 1; ; attempt++) {
      if (this.closing) return [];
      try {
        await this.joinOnce(handler);
        this.joined = true;
        return this.assigned;
      } catch (error) {
        await this.consumer?.disconnect().catch(() => undefined);
        this.consumer = undefined;
        if (this.closing || attempt >= MAX_JOIN_ATTEMPTS || !(isTransientCoordinatorError(error) || isRetriable(error))) throw error;
        this.client.logger(
          'debug',
          `Joining consumer group "${this.groupId}" (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}; retrying with a new consumer.`,
        );
        await delay(250 * attempt);
      }
    }
  }

  /** One kafkajs consumer: resolves once it joined and its positions are set, rejects if it crashes first. */
  private async joinOnce(handler: BatchHandler): Promise<void> {
    const mode = this.mode;
    const consumer = this.client.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      ...(mode.kind === 'group' && mode.sessionTimeoutMs !== undefined ? { sessionTimeout: mode.sessionTimeoutMs } : {}),
      ...(mode.kind === 'assigned' ? { partitionAssigners: [explicitAssigner(mode.partitions)] } : {}),
      // Before the first join failures come back here and are retried with a new consumer;
      // afterwards kafkajs restarts itself on retriable failures (a broker restart).
      retry: { ...STREAM_RETRY, restartOnFailure: () => Promise.resolve(this.joined && !this.closing) },
    });
    this.consumer = consumer;
    const firstJoin = new Promise<void>((resolve, reject) => {
      this.onFirstJoin = ({ error }) => (error === undefined ? resolve() : reject(error));
    });
    firstJoin.catch(() => undefined);
    consumer.on(consumer.events.GROUP_JOIN, (event) => this.onJoin(consumer, event.payload.memberAssignment));
    consumer.on(consumer.events.CRASH, (event) => this.onCrash(event.payload.error, event.payload.restart));
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      // A fetch of only transaction markers never reaches eachBatch but still moves the position.
      if (event.payload.batchSize === 0 && !this.closing) {
        this.setPosition(event.payload.topic, event.payload.partition, toNumber(event.payload.lastOffset) + 1);
      }
    });
    await consumer.connect();
    const fromBeginning = mode.kind === 'assigned' || (mode.fallback ?? 'earliest') !== 'latest';
    await consumer.subscribe({ topics: this.topics, fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isStale }) =>
        this.onBatch(consumer, handler, batch, resolveOffset, heartbeat, isStale),
    });
    await firstJoin;
  }

  private onJoin(consumer: Consumer, memberAssignment: Record<string, number[]>): void {
    if (consumer !== this.consumer || this.closing) return;
    const assigned = Object.entries(memberAssignment)
      .flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })))
      .sort(comparePartitions);
    this.assigned = assigned;
    const generation = ++this.generation;
    // Paused until the positions are set, so that nothing is fetched from the wrong place.
    if (assigned.length > 0) consumer.pause(groupByTopic(assigned));
    void this.position(assigned, generation).then(
      (positions) => {
        if (consumer !== this.consumer || generation !== this.generation || this.closing) return;
        for (const position of positions) {
          this.setPosition(position.topic, position.partition, position.offset);
          consumer.seek({ topic: position.topic, partition: position.partition, offset: String(position.offset) });
        }
        const resume = assigned.filter((tp) => !this.userPaused.has(partitionKey(tp.topic, tp.partition)));
        if (resume.length > 0) consumer.resume(groupByTopic(resume));
        this.onFirstJoin?.({});
        this.onFirstJoin = undefined;
      },
      (error: unknown) => {
        const failure = this.client.fail(error, `positioning the consumer (${this.action})`);
        if (this.onFirstJoin) {
          this.onFirstJoin({ error: failure });
          this.onFirstJoin = undefined;
        } else void this.shutdown(failure);
      },
    );
  }

  /** Where each newly assigned partition starts (see GroupConsumerOptions.onAssigned). */
  private async position(assigned: readonly TopicPartition[], generation: number): Promise<TopicPartitionOffset[]> {
    const mode = this.mode;
    const chosen = new Map<string, TopicPartitionOffset>();
    const set = (tp: TopicPartition, offset: number): void => {
      chosen.set(partitionKey(tp.topic, tp.partition), { topic: tp.topic, partition: tp.partition, offset });
    };
    if (mode.kind === 'assigned') {
      for (const tp of assigned) {
        const key = partitionKey(tp.topic, tp.partition);
        const offset = this.positionsByKey.get(key)?.offset ?? this.startOffsets.get(key);
        if (offset !== undefined) set(tp, offset);
      }
      return [...chosen.values()];
    }
    // Already read this session: continue there, never re-deliver after a rebalance or restart.
    for (const tp of assigned) {
      const known = this.positionsByKey.get(partitionKey(tp.topic, tp.partition));
      if (known) set(tp, known.offset);
    }
    const fallback = mode.fallback ?? 'earliest';
    if (typeof fallback === 'object') {
      // kafkajs only knows earliest/latest as a fallback; an offset or a time is applied here to
      // the partitions the group has never committed.
      const admin = this.client.sharedAdmin;
      const fresh = assigned.filter((tp) => !chosen.has(partitionKey(tp.topic, tp.partition)));
      for (const topic of new Set(fresh.map((tp) => tp.topic))) {
        const committed = await admin.fetchGroupOffsets(mode.groupId, topic);
        const uncommitted = new Set(committed.filter((c) => c.offset === null).map((c) => c.partition));
        const starts = await admin.resolveStart(topic, fallback);
        const freshHere = new Set(fresh.filter((tp) => tp.topic === topic).map((tp) => tp.partition));
        for (const start of starts) if (uncommitted.has(start.partition) && freshHere.has(start.partition)) set(start, start.offset);
      }
    }
    if (mode.onAssigned) {
      const overrides = await mode.onAssigned(assigned);
      if (generation !== this.generation) return [];
      const wanted = new Set(assigned.map((tp) => partitionKey(tp.topic, tp.partition)));
      for (const override of overrides) if (wanted.has(partitionKey(override.topic, override.partition))) set(override, override.offset);
    }
    return [...chosen.values()];
  }

  private async onBatch(
    consumer: Consumer,
    handler: BatchHandler,
    batch: Batch,
    resolveOffset: (offset: string) => void,
    heartbeat: () => Promise<void>,
    isStale: () => boolean,
  ): Promise<void> {
    // kafkajs may still deliver a fetched batch after stop() (tulios/kafkajs#1593).
    if (this.closing || consumer !== this.consumer || batch.messages.length === 0) return;
    const generation = this.generation;
    const { topic, partition } = batch;
    const nextOffset = toNumber(batch.lastOffset()) + 1;
    const kafkaBatch: KafkaBatch = {
      topic,
      partition,
      messages: batch.messages.map((message) => toKafkaMessage(topic, partition, message)),
      highWatermark: toNumber(batch.highWatermark, nextOffset),
      nextOffset,
    };
    const active = (): boolean => !this.closing && generation === this.generation && !isStale();
    let requested: number | undefined;
    try {
      await handler(kafkaBatch, { heartbeat, isActive: active, resumeAt: (offset) => (requested = offset) });
    } catch (error) {
      void this.shutdown(error);
      return;
    }
    // Repositioned (seek) or reassigned meanwhile: the new position stands.
    if (generation !== this.generation || isStale()) return;
    const next = requested ?? nextOffset;
    this.setPosition(topic, partition, next);
    if (this.closing) return;
    const last = kafkaBatch.messages[kafkaBatch.messages.length - 1]!;
    // Resolving the last message also resolves trailing transaction markers (kafkajs runner).
    if (next >= nextOffset) resolveOffset(String(last.offset));
    else consumer.seek({ topic, partition, offset: String(next) });
  }

  private onCrash(error: Error, restart: boolean): void {
    if (!this.joined) {
      if (this.onFirstJoin) {
        this.onFirstJoin({ error });
        this.onFirstJoin = undefined;
      }
      return;
    }
    if (this.closing) return;
    const failure = this.client.fail(error, this.action);
    if (restart) {
      this.client.logger('warn', `${failure.message} The consumer restarts and continues from where it was.`);
      return;
    }
    void this.shutdown(failure);
  }

  private setPosition(topic: string, partition: number, offset: number): void {
    this.positionsByKey.set(partitionKey(topic, partition), { topic, partition, offset });
  }

  assignment(): readonly TopicPartition[] {
    return this.assigned;
  }

  positions(): readonly TopicPartitionOffset[] {
    return [...this.positionsByKey.values()].sort(comparePartitions);
  }

  seek(position: TopicPartitionOffset): void {
    this.setPosition(position.topic, position.partition, position.offset);
    this.consumer?.seek({ topic: position.topic, partition: position.partition, offset: String(position.offset) });
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.userPaused.set(partitionKey(tp.topic, tp.partition), tp);
    if (partitions.length > 0) this.consumer?.pause(groupByTopic(partitions));
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.userPaused.delete(partitionKey(tp.topic, tp.partition));
    if (partitions.length > 0) this.consumer?.resume(groupByTopic(partitions));
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (this.mode.kind !== 'group') {
      throw new KafkaClientError(
        'invalid-request',
        `Committing offsets: a consumer of explicit partitions has no consumer group to commit to; use a group consumer.`,
        this.client.profileName,
        undefined,
      );
    }
    if (offsets.length === 0) return;
    const consumer = this.consumer;
    if (!consumer) {
      throw new KafkaClientError(
        'closed',
        `Committing offsets of consumer group "${this.groupId}": the consumer is not running.`,
        this.client.profileName,
        undefined,
      );
    }
    try {
      await consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })));
    } catch (error) {
      throw this.client.fail(error, `committing the offsets of consumer group "${this.groupId}"`, { groupId: this.groupId });
    }
  }

  close(): Promise<void> {
    return this.shutdown(undefined);
  }

  private shutdown(failure: unknown): Promise<void> {
    this.closePromise ??= (async () => {
      this.closing = true;
      this.client.untrack(this);
      if (this.onFirstJoin) {
        // Closed while joining: start() gives up now instead of when the join would have ended.
        this.onFirstJoin({
          error: new KafkaClientError(
            'closed',
            `${capitalise(this.action)}: the consumer was closed while joining.`,
            this.client.profileName,
            undefined,
          ),
        });
        this.onFirstJoin = undefined;
      }
      const consumer = this.consumer;
      await consumer?.disconnect().catch(() => undefined);
      if (this.mode.kind === 'assigned' && consumer) {
        // The private group only existed to read through kafkajs; leave nothing behind in `groups list`.
        await this.client.sharedAdmin.deleteGroups([this.groupId]).catch(() => undefined);
      }
      if (failure === undefined) this.resolveDone();
      else this.rejectDone(failure);
    })();
    return this.closePromise;
  }
}

function groupByTopic(partitions: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic);
    if (list) list.push(partition);
    else byTopic.set(topic, [partition]);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}
