import type { GroupPartitionLag, GroupSummary, PartitionDescription, TopicSummary } from '../../core/kafka/KafkaClient';
import type { KafkaConnectionProfile } from '../../core/kafka/KafkaConnectionProfile';

/** The nodes of the Kafka view. Each knows its cluster, so that commands on it need no lookup. */
export type KafkaTreeNode =
  | { readonly kind: 'cluster'; readonly profile: KafkaConnectionProfile }
  | { readonly kind: 'topic'; readonly profileName: string; readonly topic: TopicSummary }
  | { readonly kind: 'partition'; readonly profileName: string; readonly topic: string; readonly partition: PartitionDescription }
  | { readonly kind: 'groups'; readonly profileName: string }
  | { readonly kind: 'group'; readonly profileName: string; readonly group: GroupSummary; readonly totalLag: number | null }
  | { readonly kind: 'groupPartition'; readonly profileName: string; readonly groupId: string; readonly lag: GroupPartitionLag }
  | {
      /** An error or an empty state, shown where the children would be. */
      readonly kind: 'message';
      readonly severity: 'error' | 'info';
      readonly label: string;
      readonly detail?: string;
      readonly profileName?: string;
    };

export type ClusterNode = Extract<KafkaTreeNode, { kind: 'cluster' }>;
export type TopicNode = Extract<KafkaTreeNode, { kind: 'topic' }>;
export type GroupNode = Extract<KafkaTreeNode, { kind: 'group' }>;

/** The profile a node belongs to. */
export function profileNameOf(node: KafkaTreeNode): string | undefined {
  return node.kind === 'cluster' ? node.profile.name : node.profileName;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
