import * as vscode from 'vscode';
import type { ConsumeStart } from '../../core/kafka/KafkaClient';
import { KafkaClientError } from '../../core/kafka/KafkaClientError';
import { parseDagDate } from '../../core/dag/parseDagDate';
import type { KafkaConnections } from './KafkaConnections';
import type { KafkaProfileStore } from './KafkaProfileStore';
import type { KafkaTreeNode } from './kafkaTreeNodes';
import { adminFor, pickCluster, showKafkaError } from './pickKafkaTargets';

/**
 * Resets a consumer group's committed offsets on one topic to earliest, latest, a time or an
 * offset. Refused, with the reason, while the group has members: their positions would overwrite
 * the reset as soon as they commit.
 */
export async function resetGroupOffsetsCommand(
  store: KafkaProfileStore,
  connections: KafkaConnections,
  node: KafkaTreeNode | undefined,
  onDone: () => void,
): Promise<void> {
  const title = 'Reset Consumer Group Offsets';
  const profileName = await pickCluster(store, node, title);
  if (!profileName) return;
  const admin = await adminFor(connections, profileName, title);
  if (!admin) return;
  try {
    let groupId: string;
    if (node?.kind === 'group') groupId = node.group.groupId;
    else {
      const groups = await admin.listGroups();
      if (groups.length === 0) {
        void vscode.window.showInformationMessage(`Kafka cluster "${profileName}" has no consumer groups.`);
        return;
      }
      const picked = await vscode.window.showQuickPick(
        groups.map((g) => ({ label: g.groupId, description: g.state })),
        { title, placeHolder: `Consumer group on ${profileName}` },
      );
      if (!picked) return;
      groupId = picked.label;
    }
    const description = await admin.describeGroup(groupId);
    if (description.members.length > 0) {
      onDone(); // the tree may still show the group as it was before its members joined
      void vscode.window.showErrorMessage(
        `Group "${groupId}" is active: ${description.state}, ${description.members.length} member(s) on ${profileName}. Stop its consumers (the DAG task or the application) and reset again: members would overwrite a reset when they commit.`,
      );
      return;
    }
    const topics = [...new Set(description.offsets.map((o) => o.topic))].sort();
    let topic: string | undefined;
    if (topics.length === 1) topic = topics[0];
    else {
      const all = topics.length > 0 ? topics : (await admin.listTopics()).map((t) => t.name);
      topic = (await vscode.window.showQuickPick(all, { title, placeHolder: `Topic whose offsets group ${groupId} resets` })) ?? undefined;
    }
    if (!topic) return;

    const how = await vscode.window.showQuickPick(
      [
        { label: 'Earliest', description: 'read the topic again from its first retained message', to: 'earliest' as const },
        { label: 'Latest', description: 'skip everything written so far', to: 'latest' as const },
        { label: 'Timestamp', description: 'the first message at or after a date-time', to: 'timestamp' as const },
        { label: 'Offset', description: 'an explicit offset, on every partition', to: 'offset' as const },
      ],
      { title: `${title}: ${groupId} on ${topic}`, placeHolder: 'Reset to' },
    );
    if (!how) return;
    let to: ConsumeStart;
    if (how.to === 'earliest' || how.to === 'latest') to = how.to;
    else if (how.to === 'timestamp') {
      const text = await vscode.window.showInputBox({
        title: `${title}: ${groupId} on ${topic}`,
        prompt: 'Date-time (UTC unless it says otherwise)',
        value: new Date(Date.now() - 3_600_000).toISOString(),
        ignoreFocusOut: true,
        validateInput: (value) => (parseDagDate(value.trim()) ? undefined : 'Write a date-time such as 2026-11-01T06:00:00Z.'),
      });
      if (text === undefined) return;
      to = { timestamp: parseDagDate(text.trim())!.getTime() };
    } else {
      const text = await vscode.window.showInputBox({
        title: `${title}: ${groupId} on ${topic}`,
        prompt: 'Offset (the next offset the group reads, on every partition)',
        ignoreFocusOut: true,
        validateInput: (value) => (/^\s*\d+\s*$/.test(value) ? undefined : 'An offset is a whole number, 0 or more.'),
      });
      if (text === undefined) return;
      to = { offset: Number(text) };
    }
    const changes = await admin.resetGroupOffsets({ groupId, topic, to });
    onDone();
    const summary = changes.map((c) => `[${c.partition}] ${c.previousOffset ?? '–'} → ${c.newOffset}`).join(', ');
    void vscode.window.showInformationMessage(`Reset consumer group ${groupId} on ${topic} (${profileName}): ${summary}.`);
  } catch (error) {
    if (error instanceof KafkaClientError && error.code === 'group-active') {
      void vscode.window.showErrorMessage(error.message);
      return;
    }
    showKafkaError(`Resetting consumer group offsets on ${profileName}`, error);
  }
}
