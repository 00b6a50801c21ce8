import * as vscode from 'vscode';
import { KafkaClientError } from '../../core/kafka/KafkaClientError';
import type { KafkaConnections } from './KafkaConnections';
import type { KafkaProfileStore } from './KafkaProfileStore';
import { plural, type KafkaTreeNode } from './kafkaTreeNodes';

/** How many groups get their lag computed (one describe each); more are listed without it. */
const MAX_GROUPS_WITH_LAG = 50;

/**
 * The "Kafka" view: clusters -> topics -> partitions, and per cluster a "Consumer groups" node
 * -> groups -> partitions with committed offset, end offset and lag. Children are computed when a
 * node is expanded; failures and empty states are nodes that name the cluster and the broker.
 */
export class KafkaTreeProvider implements vscode.TreeDataProvider<KafkaTreeNode>, vscode.Disposable {
  static readonly viewId = 'dagstream.kafka';

  private readonly changed = new vscode.EventEmitter<KafkaTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly store: KafkaProfileStore,
    private readonly connections: KafkaConnections,
  ) {
    this.subscriptions.push(
      store.onDidChange(() => this.refresh()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()),
    );
  }

  /** Re-reads everything (or one node's children); clients that failed are reopened. */
  refresh(node?: KafkaTreeNode): void {
    this.changed.fire(node);
  }

  async getChildren(node?: KafkaTreeNode): Promise<KafkaTreeNode[]> {
    if (!node) return this.store.list().map((profile) => ({ kind: 'cluster', profile }));
    if (node.kind === 'message' || node.kind === 'partition' || node.kind === 'groupPartition') return [];
    const profileName = node.kind === 'cluster' ? node.profile.name : node.profileName;
    if (!vscode.workspace.isTrusted) {
      return [
        {
          kind: 'message',
          severity: 'info',
          label: 'Restricted mode: trust this workspace to connect to Kafka',
          profileName,
        },
      ];
    }
    try {
      return await this.childrenOf(node, profileName);
    } catch (error) {
      // Reopen the client on the next expansion or refresh: the broker may be up by then.
      await this.connections.reset(profileName);
      return [errorNode(profileName, this.describeBrokers(profileName), error)];
    }
  }

  private describeBrokers(profileName: string): string {
    return this.store.get(profileName)?.brokers.join(',') ?? 'no brokers';
  }

  private async childrenOf(node: Exclude<KafkaTreeNode, { kind: 'message' | 'partition' | 'groupPartition' }>, profileName: string) {
    const admin = await (await this.connections.client(profileName)).admin();
    switch (node.kind) {
      case 'cluster': {
        const topics = await admin.listTopics();
        const groups: KafkaTreeNode = { kind: 'groups', profileName };
        if (topics.length === 0) {
          return [
            groups,
            { kind: 'message', severity: 'info', label: 'No topics yet: create one with the + button', profileName } as const,
          ];
        }
        return [groups, ...topics.map((topic) => ({ kind: 'topic', profileName, topic }) as const)];
      }
      case 'topic': {
        const description = await admin.describeTopic(node.topic.name);
        return description.partitions.map((partition) => ({ kind: 'partition', profileName, topic: node.topic.name, partition }) as const);
      }
      case 'groups': {
        const groups = (await admin.listGroups()).sort((a, b) => a.groupId.localeCompare(b.groupId));
        if (groups.length === 0) return [{ kind: 'message', severity: 'info', label: 'No consumer groups', profileName } as const];
        return Promise.all(
          groups.map(async (group, index) => {
            const totalLag =
              index < MAX_GROUPS_WITH_LAG
                ? await admin.describeGroup(group.groupId).then(
                    (d) => d.totalLag,
                    () => null,
                  )
                : null;
            return { kind: 'group', profileName, group, totalLag } as const;
          }),
        );
      }
      case 'group': {
        const description = await admin.describeGroup(node.group.groupId);
        if (description.offsets.length === 0) {
          return [{ kind: 'message', severity: 'info', label: 'No committed offsets', profileName } as const];
        }
        return description.offsets.map((lag) => ({ kind: 'groupPartition', profileName, groupId: node.group.groupId, lag }) as const);
      }
    }
  }

  getTreeItem(node: KafkaTreeNode): vscode.TreeItem {
    const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    const None = vscode.TreeItemCollapsibleState.None;
    switch (node.kind) {
      case 'cluster': {
        const item = new vscode.TreeItem(node.profile.name, Collapsed);
        item.id = `cluster:${node.profile.name}`;
        item.description = node.profile.brokers.join(', ');
        const security = [node.profile.tls ? 'TLS' : undefined, node.profile.sasl ? `SASL ${node.profile.sasl.mechanism}` : undefined]
          .filter(Boolean)
          .join(' + ');
        item.tooltip = `Kafka cluster "${node.profile.name}"\nBootstrap servers: ${node.profile.brokers.join(', ')}\nClient id: ${node.profile.clientId ?? 'dagstream'}\nSecurity: ${security || 'plaintext'}`;
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.contextValue = 'kafkaCluster';
        return item;
      }
      case 'topic': {
        const { topic } = node;
        const item = new vscode.TreeItem(topic.name, Collapsed);
        item.id = `topic:${node.profileName}:${topic.name}`;
        item.description = `${plural(topic.partitionCount, 'partition')} · RF ${topic.replicationFactor}`;
        item.tooltip = `Topic ${topic.name}: ${plural(topic.partitionCount, 'partition')}, replication factor ${topic.replicationFactor}`;
        item.iconPath = new vscode.ThemeIcon('symbol-event');
        item.contextValue = 'kafkaTopic';
        return item;
      }
      case 'partition': {
        const { partition } = node;
        const item = new vscode.TreeItem(`partition ${partition.partition}`, None);
        item.id = `partition:${node.profileName}:${node.topic}:${partition.partition}`;
        item.description = `${partition.low}–${partition.high} · ${plural(partition.high - partition.low, 'message')}`;
        item.tooltip = `Low offset ${partition.low}, high (end) offset ${partition.high}\nLeader: ${partition.leader}\nReplicas: ${partition.replicas.join(', ')}\nIn sync: ${partition.isr.join(', ')}`;
        item.iconPath = new vscode.ThemeIcon('list-ordered');
        item.contextValue = 'kafkaPartition';
        return item;
      }
      case 'groups': {
        const item = new vscode.TreeItem('Consumer groups', Collapsed);
        item.id = `groups:${node.profileName}`;
        item.iconPath = new vscode.ThemeIcon('organization');
        item.contextValue = 'kafkaGroups';
        return item;
      }
      case 'group': {
        const { group } = node;
        const item = new vscode.TreeItem(group.groupId, Collapsed);
        item.id = `group:${node.profileName}:${group.groupId}`;
        const lag = node.totalLag === null ? '' : ` · lag ${node.totalLag.toLocaleString('en-US')}`;
        item.description = `${group.state}${lag}`;
        item.tooltip = `Consumer group ${group.groupId}\nState: ${group.state}\nMembers: ${group.memberCount}${lag ? `\nTotal lag: ${node.totalLag}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(group.state === 'Stable' ? 'pass' : 'circle-outline');
        item.contextValue = 'kafkaGroup';
        return item;
      }
      case 'groupPartition': {
        const { lag } = node;
        const item = new vscode.TreeItem(`${lag.topic} [${lag.partition}]`, None);
        item.id = `groupPartition:${node.profileName}:${node.groupId}:${lag.topic}:${lag.partition}`;
        item.description = `committed ${lag.committedOffset ?? '–'} · end ${lag.endOffset} · lag ${lag.lag ?? '–'}`;
        item.tooltip = `Committed offset: ${lag.committedOffset ?? 'none'}\nEnd offset: ${lag.endOffset}\nLag: ${lag.lag ?? 'unknown'}${lag.memberId ? `\nMember: ${lag.memberId}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('debug-stackframe-dot');
        item.contextValue = 'kafkaGroupPartition';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, None);
        item.tooltip = node.detail ?? node.label;
        item.iconPath =
          node.severity === 'error'
            ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
            : new vscode.ThemeIcon('info');
        item.contextValue = node.severity === 'error' ? 'kafkaError' : 'kafkaEmpty';
        return item;
      }
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}

/** A failure as a node: the client's sentence already names the profile and broker and says what to do. */
function errorNode(profileName: string, brokers: string, error: unknown): KafkaTreeNode {
  const message = error instanceof Error ? error.message : String(error);
  const names = message.includes(profileName) ? '' : `Kafka cluster "${profileName}" (${brokers}): `;
  // The client's advice says what to do; a refresh is how to try again from here.
  const retry = error instanceof KafkaClientError && error.code !== 'configuration' ? ' Then refresh the Kafka view.' : '';
  const full = `${names}${message}${retry}`;
  // The row shows the first sentence (what failed, where); the tooltip the whole advice.
  const firstSentence = /^(.*?)\.\s/.exec(full)?.[1] ?? full;
  return { kind: 'message', severity: 'error', label: firstSentence, detail: full, profileName };
}
