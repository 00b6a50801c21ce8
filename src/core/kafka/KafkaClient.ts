/**
 * The core's own view of Apache Kafka: what Dagstream needs from a client, in its own types.
 * Everything outside src/core/kafka talks to these interfaces; kafkajsClient.ts is the one
 * adapter and the only module that imports kafkajs, so that another client can be measured or
 * swapped in without touching operators, the CLI or the extension.
 *
 * Conventions:
 * - Offsets are JavaScript numbers. They are exact below 2^53, which a partition written at a
 *   million messages a second reaches after 285 years.
 * - Timestamps are milliseconds since the Unix epoch.
 * - Keys, values and header values are bytes (`Buffer`); serialisation is the caller's choice.
 * - "End offset" (high watermark) is the offset the next message written to a partition gets;
 *   a partition is caught up when the next offset to read equals it.
 * - Every failure is a KafkaClientError that names the profile and the broker (see that file).
 */

/** One record header. Kafka allows the same key more than once, hence a list. */
export interface KafkaHeader {
  readonly key: string;
  readonly value: Buffer;
}

/** A message as read from a partition. */
export interface KafkaMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** CreateTime set by the producer, or LogAppendTime when the topic is configured for it. */
  readonly timestamp: number;
  /** Null when the message has no key. */
  readonly key: Buffer | null;
  /** Null for a tombstone (a deletion marker on compacted topics). */
  readonly value: Buffer | null;
  readonly headers: readonly KafkaHeader[];
}

/** A message to write. Strings are written as UTF-8. */
export interface OutgoingMessage {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: readonly { readonly key: string; readonly value: Buffer | string }[];
  /**
   * Unset: the partition of the key (murmur2, the same as the Java client and librdkafka's
   * `murmur2_random`), or round robin for messages without a key.
   */
  readonly partition?: number;
  /** Unset: the time of sending. */
  readonly timestamp?: number;
}

/** Where one written message landed, in the order the messages were given. */
export interface ProducedMessage {
  readonly partition: number;
  /** Null with `acks: 0`, where the broker does not say. */
  readonly offset: number | null;
}

/**
 * Which acknowledgements a write waits for: -1 every in-sync replica (safest), 1 the leader
 * only, 0 none (the message may be lost unnoticed).
 */
export type Acks = -1 | 0 | 1;

/** Batch compression. gzip is the codec every client supports without native code. */
export type Compression = 'none' | 'gzip';

export interface SendOptions {
  /** Default -1. */
  readonly acks?: Acks;
  /** Default 'none'. */
  readonly compression?: Compression;
  /** How long the broker may wait for the replicas' acknowledgements; default 30 s. */
  readonly timeoutMs?: number;
}

export interface ProducerOptions {
  /**
   * The broker drops duplicates a retry would otherwise write (Kafka's idempotent producer).
   * Requires acks -1. kafkajs marks this experimental, so it is off unless asked for.
   */
  readonly idempotent?: boolean;
}

export interface KafkaProducer {
  /**
   * Writes the messages in order and resolves once all are acknowledged as `acks` asks, with
   * one entry per message. Large lists are split into requests the broker accepts; retriable
   * failures (a leader moving, a broker restarting) are retried for about half a minute.
   */
  send(topic: string, messages: readonly OutgoingMessage[], options?: SendOptions): Promise<ProducedMessage[]>;
  close(): Promise<void>;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: number;
}

/**
 * Where reading a partition starts: its first retained message, its end (only messages written
 * from now on), an exact offset, or the first message whose timestamp is at or after a time.
 * An offset past the end starts at the end; one before the first retained message at that one.
 */
export type ConsumeStart = 'earliest' | 'latest' | { readonly offset: number } | { readonly timestamp: number };

/** The messages fetched from one partition in one go, in offset order. */
export interface KafkaBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  /** The partition's end offset when the batch was fetched. */
  readonly highWatermark: number;
  /**
   * The next offset to read after this batch. Usually the last message's offset + 1, but
   * further when the batch ended in records a reader never sees (transaction markers).
   */
  readonly nextOffset: number;
}

export interface BatchControl {
  /** Keeps the consumer's group membership alive during long work on one batch. */
  heartbeat(): Promise<void>;
  /**
   * False once the consumer is closing, or when the partition was repositioned or taken away by
   * a rebalance while the batch was being handled: return without using the rest.
   */
  isActive(): boolean;
  /**
   * Reads this partition from `offset` next instead of from after the batch: for a handler that
   * used only part of it (a stop condition reached mid-batch). The consumer's position becomes
   * `offset`.
   */
  resumeAt(offset: number): void;
}

/**
 * Handles one batch. Batches come one at a time, never concurrently. The whole batch counts as
 * read unless the handler calls `control.resumeAt`. A throw stops the consumer: `done` rejects
 * with it.
 */
export type BatchHandler = (batch: KafkaBatch, control: BatchControl) => Promise<void>;

export interface GroupConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a partition that has no committed offset in the group starts. Default 'earliest'. */
  readonly fallback?: ConsumeStart;
  /**
   * Called on every assignment (the first join and each rebalance) before any message of it is
   * fetched. Positions it returns override the group's committed offsets: a sink that stores its
   * offsets beside its data resumes from those. Partitions it leaves out start from the group's
   * committed offset (or `fallback`), or from where this consumer already got to.
   */
  readonly onAssigned?: (
    partitions: readonly TopicPartition[],
  ) => Promise<readonly TopicPartitionOffset[]> | readonly TopicPartitionOffset[];
  /**
   * How long the group waits for a member that stopped answering before giving its partitions to
   * others; a consumer killed without leaving holds them this long. Default 30 s.
   */
  readonly sessionTimeoutMs?: number;
}

export interface AssignedConsumerOptions {
  /**
   * Exactly these partitions, each from its own start, with no group offsets read or written
   * (Kafka's `assign()`). An empty list reads nothing.
   */
  readonly partitions: readonly (TopicPartition & { readonly start: ConsumeStart })[];
}

export interface KafkaConsumer {
  /**
   * Connects, joins (retrying the transient coordinator errors of a freshly started broker) and
   * starts handing batches to `handler`. Resolves with the first assignment once the positions
   * are set; rejects when the consumer cannot join. Call once.
   */
  start(handler: BatchHandler): Promise<readonly TopicPartition[]>;
  /** The partitions currently assigned. */
  assignment(): readonly TopicPartition[];
  /** The next offset this consumer will read from each partition it has read or positioned. */
  positions(): readonly TopicPartitionOffset[];
  /** Moves a partition: the next batch of it starts at `offset`. */
  seek(position: TopicPartitionOffset): void;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /**
   * Commits the group's offsets (each the next offset to read). Group consumers only; nothing
   * is ever committed unless asked for, so the caller decides what counts as processed.
   */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /**
   * Settles when the consumer stops: resolves after close(), rejects with a KafkaClientError
   * when it failed for good (a retriable failure, such as a broker restart, is recovered from).
   */
  readonly done: Promise<void>;
  /** Stops fetching, waits for the batch being handled, leaves the group. Safe to call twice. */
  close(): Promise<void>;
}

export interface BrokerAddress {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export interface ClusterDescription {
  readonly clusterId: string;
  /** Null while the cluster has no active controller. */
  readonly controllerId: number | null;
  readonly brokers: readonly BrokerAddress[];
}

export interface TopicSummary {
  readonly name: string;
  readonly partitionCount: number;
  /** Replicas of the first partition: what `--replication-factor` was at creation. */
  readonly replicationFactor: number;
  /** Kafka's own topics, such as `__consumer_offsets`. */
  readonly internal: boolean;
}

export interface NewTopic {
  readonly name: string;
  /** Default 1. */
  readonly partitions?: number;
  /** Default 1. */
  readonly replicationFactor?: number;
  /** Topic configs such as `retention.ms` or `cleanup.policy`. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface PartitionOffsets {
  readonly partition: number;
  /** The first retained offset. */
  readonly low: number;
  /** The end offset. */
  readonly high: number;
}

export interface PartitionDescription extends PartitionOffsets {
  /** Broker id of the leader; -1 while the partition has none. */
  readonly leader: number;
  readonly replicas: readonly number[];
  /** In-sync replicas. */
  readonly isr: readonly number[];
  readonly offlineReplicas: readonly number[];
}

export interface TopicConfigEntry {
  readonly name: string;
  /** Null for sensitive entries, which brokers never return. */
  readonly value: string | null;
  readonly isDefault: boolean;
  readonly isSensitive: boolean;
  readonly readOnly: boolean;
}

export interface TopicDescription {
  readonly name: string;
  readonly internal: boolean;
  readonly partitions: readonly PartitionDescription[];
  readonly configs: readonly TopicConfigEntry[];
}

/**
 * A consumer group's state as the broker reports it: `Empty` (no members; offsets may be reset),
 * `Stable`, `PreparingRebalance`, `CompletingRebalance`, `Dead` (gone or never existed).
 */
export type GroupState = 'Empty' | 'Stable' | 'PreparingRebalance' | 'CompletingRebalance' | 'Dead' | 'Unknown';

export interface GroupSummary {
  readonly groupId: string;
  readonly state: GroupState;
  /** `consumer` for consumer groups; other protocols (Kafka Connect) exist. */
  readonly protocolType: string;
  readonly memberCount: number;
}

export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
  readonly assignment: readonly TopicPartition[];
}

export interface GroupPartitionLag extends TopicPartition {
  /** The next offset the group will read; null when it has committed nothing for the partition. */
  readonly committedOffset: number | null;
  readonly endOffset: number;
  /** endOffset - committedOffset; null without a committed offset. */
  readonly lag: number | null;
  /** The member the partition is assigned to, if any. */
  readonly memberId: string | null;
}

export interface GroupDescription {
  readonly groupId: string;
  readonly state: GroupState;
  readonly protocolType: string;
  /** The assignor, e.g. `RoundRobinAssigner`; empty when the group has no members. */
  readonly protocol: string;
  readonly members: readonly GroupMember[];
  /** Every partition of every topic the group has offsets for or is assigned, sorted. */
  readonly offsets: readonly GroupPartitionLag[];
  /** Sum of the known lags. */
  readonly totalLag: number;
}

export interface ResetGroupOffsetsRequest {
  readonly groupId: string;
  readonly topic: string;
  readonly to: ConsumeStart;
  /** Default: every partition of the topic. */
  readonly partitions?: readonly number[];
  /** Work out and return the new offsets without committing them. */
  readonly dryRun?: boolean;
}

export interface GroupCommittedOffset extends TopicPartition {
  /** The next offset the group will read. */
  readonly offset: number | null;
}

export interface GroupOffsetChange extends TopicPartition {
  readonly previousOffset: number | null;
  readonly newOffset: number;
}

export interface KafkaAdmin {
  describeCluster(): Promise<ClusterDescription>;
  /** Sorted by name; Kafka's internal topics only when asked for. */
  listTopics(options?: { readonly includeInternal?: boolean }): Promise<TopicSummary[]>;
  /** Resolves once every partition has a leader; fails with code `topic-exists` for a taken name. */
  createTopic(topic: NewTopic): Promise<void>;
  describeTopic(topic: string): Promise<TopicDescription>;
  /** Fails with `unknown-topic`, naming them, when any of the topics does not exist. */
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** First and end offset of every partition. */
  fetchOffsets(topic: string): Promise<PartitionOffsets[]>;
  /**
   * Per partition, the first offset whose timestamp is at or after `timestamp`, or the end
   * offset when there is none.
   */
  fetchOffsetsForTimestamp(topic: string, timestamp: number): Promise<TopicPartitionOffset[]>;
  /** Per partition, the offset a consumer starting at `start` reads first. */
  resolveStart(topic: string, start: ConsumeStart): Promise<TopicPartitionOffset[]>;
  /** A group's committed offsets for one topic, every partition; null where it has committed nothing. */
  fetchGroupOffsets(groupId: string, topic: string): Promise<GroupCommittedOffset[]>;
  listGroups(): Promise<GroupSummary[]>;
  describeGroup(groupId: string): Promise<GroupDescription>;
  /**
   * Sets a group's committed offsets for a topic. Refused (code `group-active`) while the group
   * has members: their positions would overwrite the reset.
   */
  resetGroupOffsets(request: ResetGroupOffsetsRequest): Promise<GroupOffsetChange[]>;
  /**
   * Commits exact offsets for a group that has no members: how a consumer that reads by
   * assignment (a sink keeping its offsets in its database) shows its progress to tools that
   * display a group's lag. Refused (code `group-active`) while the group has members.
   */
  commitGroupOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Deletes groups that have no members, with their committed offsets. */
  deleteGroups(groupIds: readonly string[]): Promise<void>;
}

/** A connection to one cluster through one profile. */
export interface KafkaClient {
  readonly profileName: string;
  /** The bootstrap servers, for messages. */
  readonly brokers: readonly string[];
  /**
   * The client's admin, connected on first use and shared. An unreachable cluster fails here
   * within a few seconds, with the message every entry point shows.
   */
  admin(): Promise<KafkaAdmin>;
  /** A new connected producer; close it, or close the client. */
  producer(options?: ProducerOptions): Promise<KafkaProducer>;
  /** A consumer in a consumer group: shares partitions with the group's other members. */
  groupConsumer(options: GroupConsumerOptions): KafkaConsumer;
  /** A consumer of explicit partitions and positions, outside any group's offsets. */
  assignedConsumer(options: AssignedConsumerOptions): KafkaConsumer;
  /** Closes every admin, producer and consumer it made. Safe to call twice. */
  close(): Promise<void>;
}
