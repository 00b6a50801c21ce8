import * as vscode from 'vscode';
import type { KafkaAdmin } from '../../core/kafka/KafkaClient';
import type { KafkaConnections } from './KafkaConnections';
import type { KafkaProfileStore } from './KafkaProfileStore';
import { profileNameOf, type KafkaTreeNode } from './kafkaTreeNodes';

/**
 * Commands run from the tree get their cluster, topic or group from the node; from the command
 * palette they ask. A single cluster is taken without asking.
 */
export async function pickCluster(store: KafkaProfileStore, node: KafkaTreeNode | undefined, title: string): Promise<string | undefined> {
  const fromNode = node ? profileNameOf(node) : undefined;
  if (fromNode) return fromNode;
  const profiles = store.list();
  if (profiles.length === 0) {
    const add = 'Add Kafka Cluster';
    const answer = await vscode.window.showInformationMessage('No Kafka cluster is set up yet. Add one first.', add);
    if (answer === add) await vscode.commands.executeCommand('dagstream.kafka.addCluster');
    return undefined;
  }
  if (profiles.length === 1) return profiles[0]!.name;
  const picked = await vscode.window.showQuickPick(
    profiles.map((p) => ({ label: p.name, description: p.brokers.join(', ') })),
    { title, placeHolder: 'Kafka cluster' },
  );
  return picked?.label;
}

/** The admin of a cluster, or undefined after telling the user why it is unavailable. */
export async function adminFor(connections: KafkaConnections, profileName: string, doing: string): Promise<KafkaAdmin | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(`${doing}: Dagstream connects to Kafka only in a trusted workspace. Trust this workspace first.`);
    return undefined;
  }
  try {
    return await (await connections.client(profileName)).admin();
  } catch (error) {
    await connections.reset(profileName);
    showKafkaError(doing, error);
    return undefined;
  }
}

export async function pickTopic(
  connections: KafkaConnections,
  profileName: string,
  node: KafkaTreeNode | undefined,
  title: string,
): Promise<string | undefined> {
  if (node?.kind === 'topic') return node.topic.name;
  if (node?.kind === 'partition') return node.topic;
  const admin = await adminFor(connections, profileName, title);
  if (!admin) return undefined;
  try {
    const topics = await admin.listTopics();
    if (topics.length === 0) {
      void vscode.window.showInformationMessage(`Kafka cluster "${profileName}" has no topics yet; create one first.`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      topics.map((t) => ({ label: t.name, description: `${t.partitionCount} partition(s)` })),
      { title, placeHolder: `Topic on ${profileName}` },
    );
    return picked?.label;
  } catch (error) {
    showKafkaError(title, error);
    return undefined;
  }
}

/** Shows a failure; the client's message names the profile and broker and says what to do. */
export function showKafkaError(doing: string, error: unknown): void {
  void vscode.window.showErrorMessage(`${doing} failed: ${error instanceof Error ? error.message : String(error)}`);
}
