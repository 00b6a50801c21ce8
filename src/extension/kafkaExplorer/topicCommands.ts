import * as vscode from 'vscode';
import type { TopicDescription } from '../../core/kafka/KafkaClient';
import type { KafkaConnections } from './KafkaConnections';
import type { KafkaProfileStore } from './KafkaProfileStore';
import type { KafkaTreeNode } from './kafkaTreeNodes';
import { parseKeyValueList } from './parseKeyValueList';
import { adminFor, pickCluster, pickTopic, showKafkaError } from './pickKafkaTargets';

const positiveInteger = (what: string) => (value: string) =>
  /^\s*[1-9]\d*\s*$/.test(value) ? undefined : `The ${what} is a whole number of at least 1.`;

/** `retention.ms=86400000, cleanup.policy=compact` as topic configs, or why not. */
function parseTopicConfigs(text: string): Record<string, string> | string {
  const pairs = parseKeyValueList(text, 'retention.ms=86400000');
  return typeof pairs === 'string' ? pairs : Object.fromEntries(pairs.map((p) => [p.key, p.value]));
}

export async function createTopicCommand(
  store: KafkaProfileStore,
  connections: KafkaConnections,
  node: KafkaTreeNode | undefined,
  onDone: () => void,
): Promise<void> {
  const title = 'Create Kafka Topic';
  const profileName = await pickCluster(store, node, title);
  if (!profileName) return;
  const admin = await adminFor(connections, profileName, title);
  if (!admin) return;
  const name = await vscode.window.showInputBox({
    title: `${title} on ${profileName}`,
    prompt: 'Topic name',
    placeHolder: 'weather.events',
    ignoreFocusOut: true,
    validateInput: (value) =>
      /^[a-zA-Z0-9._-]{1,249}$/.test(value.trim()) ? undefined : 'Topic names use letters, digits, ".", "_" and "-" (at most 249).',
  });
  if (name === undefined) return;
  const partitions = await vscode.window.showInputBox({
    title: `${title} ${name.trim()}`,
    prompt: 'Number of partitions',
    value: '3',
    ignoreFocusOut: true,
    validateInput: positiveInteger('number of partitions'),
  });
  if (partitions === undefined) return;
  const brokerCount = await admin.describeCluster().then(
    (c) => c.brokers.length,
    () => undefined,
  );
  const replication = await vscode.window.showInputBox({
    title: `${title} ${name.trim()}`,
    prompt: `Replication factor${brokerCount === undefined ? '' : ` (the cluster has ${brokerCount} broker(s))`}`,
    value: '1',
    ignoreFocusOut: true,
    validateInput: (value) =>
      positiveInteger('replication factor')(value) ??
      (brokerCount !== undefined && Number(value) > brokerCount
        ? `The replication factor cannot exceed the number of brokers (${brokerCount}).`
        : undefined),
  });
  if (replication === undefined) return;
  let configs: Record<string, string> | undefined;
  const configsText = await vscode.window.showInputBox({
    title: `${title} ${name.trim()}`,
    prompt: 'Topic configs as name=value, comma-separated (optional)',
    placeHolder: 'retention.ms=86400000, cleanup.policy=delete',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseTopicConfigs(value);
      return typeof parsed === 'string' ? parsed : undefined;
    },
  });
  if (configsText === undefined) return;
  const parsed = parseTopicConfigs(configsText);
  if (typeof parsed !== 'string' && Object.keys(parsed).length > 0) configs = parsed;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Creating topic ${name.trim()} on ${profileName}…` },
      () =>
        admin.createTopic({
          name: name.trim(),
          partitions: Number(partitions),
          replicationFactor: Number(replication),
          ...(configs ? { configs } : {}),
        }),
    );
    onDone();
    void vscode.window.showInformationMessage(
      `Created topic ${name.trim()} on ${profileName}: ${Number(partitions)} partition(s), replication factor ${Number(replication)}.`,
    );
  } catch (error) {
    showKafkaError(`Creating topic ${name.trim()} on ${profileName}`, error);
  }
}

export async function deleteTopicCommand(
  store: KafkaProfileStore,
  connections: KafkaConnections,
  node: KafkaTreeNode | undefined,
  onDone: () => void,
): Promise<void> {
  const title = 'Delete Kafka Topic';
  const profileName = await pickCluster(store, node, title);
  if (!profileName) return;
  const topic = await pickTopic(connections, profileName, node, title);
  if (!topic) return;
  const confirm = 'Delete Topic';
  const answer = await vscode.window.showWarningMessage(
    `Delete topic "${topic}" from cluster "${profileName}"?`,
    { modal: true, detail: 'Its messages are deleted with it and cannot be recovered. Consumers of the topic will fail.' },
    confirm,
  );
  if (answer !== confirm) return;
  const admin = await adminFor(connections, profileName, title);
  if (!admin) return;
  try {
    await admin.deleteTopics([topic]);
    onDone();
    void vscode.window.showInformationMessage(`Deleted topic ${topic} from ${profileName}.`);
  } catch (error) {
    showKafkaError(`Deleting topic ${topic} on ${profileName}`, error);
  }
}

/** Opens the topic's partitions and configs as a Markdown document beside the tree. */
export async function describeTopicCommand(
  store: KafkaProfileStore,
  connections: KafkaConnections,
  node: KafkaTreeNode | undefined,
): Promise<void> {
  const title = 'Describe Kafka Topic';
  const profileName = await pickCluster(store, node, title);
  if (!profileName) return;
  const topic = await pickTopic(connections, profileName, node, title);
  if (!topic) return;
  const admin = await adminFor(connections, profileName, title);
  if (!admin) return;
  try {
    // Described first, so that a failure is a message rather than a document saying it.
    await admin.describeTopic(topic);
    const document = await vscode.workspace.openTextDocument(topicDescriptionUri(profileName, topic));
    await vscode.window.showTextDocument(document, { preview: true });
  } catch (error) {
    showKafkaError(`Describing topic ${topic} on ${profileName}`, error);
  }
}

export const TOPIC_DESCRIPTION_SCHEME = 'dagstream-kafka-topic';

function topicDescriptionUri(profileName: string, topic: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: TOPIC_DESCRIPTION_SCHEME,
    path: `/${encodeURIComponent(profileName)}/${encodeURIComponent(topic)}.md`,
  });
}

/**
 * Topic descriptions as read-only Markdown documents, read from the broker whenever VS Code asks:
 * they never turn into unsaved files, and reopening one shows the current offsets.
 */
export class TopicDescriptionProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly connections: KafkaConnections) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, profile = '', file = ''] = uri.path.split('/');
    const profileName = decodeURIComponent(profile);
    const topic = decodeURIComponent(file.replace(/\.md$/, ''));
    try {
      const admin = await (await this.connections.client(profileName)).admin();
      return renderTopicDescription(profileName, await admin.describeTopic(topic));
    } catch (error) {
      return `# Topic ${topic}\n\nCould not describe it on cluster "${profileName}": ${error instanceof Error ? error.message : String(error)}\n`;
    }
  }
}

/** Table cells: a `|` or a line break inside a value would break the table. */
function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderTopicDescription(profileName: string, description: TopicDescription): string {
  const lines = [
    `# Topic ${description.name}`,
    '',
    `Cluster: ${profileName}${description.internal ? ' · internal topic' : ''}`,
    '',
    '## Partitions',
    '',
    '| partition | leader | replicas | in sync | low offset | high offset | messages |',
    '|---:|---:|---|---|---:|---:|---:|',
    ...description.partitions.map(
      (p) => `| ${p.partition} | ${p.leader} | ${p.replicas.join(', ')} | ${p.isr.join(', ')} | ${p.low} | ${p.high} | ${p.high - p.low} |`,
    ),
    '',
    '## Configs',
    '',
    '| name | value | source |',
    '|---|---|---|',
    ...[...description.configs]
      .sort((a, b) => Number(a.isDefault) - Number(b.isDefault) || a.name.localeCompare(b.name))
      .map(
        (c) =>
          `| ${cell(c.name)} | ${c.isSensitive ? '(sensitive)' : cell(c.value ?? '')} | ${c.isDefault ? 'default' : 'set on topic'}${c.readOnly ? ', read-only' : ''} |`,
      ),
    '',
  ];
  return lines.join('\n');
}
