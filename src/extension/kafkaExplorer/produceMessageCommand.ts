import * as vscode from 'vscode';
import type { KafkaConnections } from './KafkaConnections';
import type { KafkaProfileStore } from './KafkaProfileStore';
import type { KafkaTreeNode } from './kafkaTreeNodes';
import { parseKeyValueList } from './parseKeyValueList';
import { adminFor, pickCluster, pickTopic, showKafkaError } from './pickKafkaTargets';

/** The last message produced to each topic, offered again next time (never secret: a test message). */
interface LastProduced {
  key: string;
  headers: string;
  value: string;
}

const LAST_PRODUCED_KEY = 'dagstream.kafka.lastProduced';

/**
 * Produces one message: key, headers and value in three input boxes, filled with what was last
 * produced to the topic. Says where the message landed.
 */
export async function produceMessageCommand(
  store: KafkaProfileStore,
  connections: KafkaConnections,
  memory: vscode.Memento,
  node: KafkaTreeNode | undefined,
  onDone: () => void,
): Promise<void> {
  const title = 'Produce Kafka Message';
  const profileName = await pickCluster(store, node, title);
  if (!profileName) return;
  const topic = await pickTopic(connections, profileName, node, title);
  if (!topic) return;
  const remembered = memory.get<Record<string, LastProduced>>(LAST_PRODUCED_KEY, {});
  const last = remembered[`${profileName}/${topic}`];
  const step = `${title} to ${topic} (${profileName})`;

  const key = await vscode.window.showInputBox({
    title: step,
    prompt: 'Key (empty for none: the message goes to partitions round robin)',
    value: last?.key ?? '',
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  const headersText = await vscode.window.showInputBox({
    title: step,
    prompt: 'Headers as key=value, comma-separated (optional)',
    placeHolder: 'source=weather-api, trace-id=42',
    value: last?.headers ?? '',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseKeyValueList(value, 'source=weather-api');
      return typeof parsed === 'string' ? parsed : undefined;
    },
  });
  if (headersText === undefined) return;
  const value = await vscode.window.showInputBox({
    title: step,
    prompt: 'Value (JSON or text)',
    placeHolder: '{"city":"Paris","temp_c":31.5}',
    value: last?.value ?? '',
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  const headers = parseKeyValueList(headersText, 'source=weather-api');
  if (typeof headers === 'string') return;
  await memory.update(LAST_PRODUCED_KEY, { ...remembered, [`${profileName}/${topic}`]: { key, headers: headersText, value } });

  if (!(await adminFor(connections, profileName, title))) return;
  try {
    const client = await connections.client(profileName);
    const producer = await client.producer();
    try {
      const [landed] = await producer.send(topic, [{ key: key === '' ? null : key, value, headers }]);
      onDone();
      void vscode.window.showInformationMessage(
        `Produced a message to ${topic} on ${profileName}: partition ${landed?.partition}, offset ${landed?.offset ?? 'unknown'}.`,
      );
    } finally {
      await producer.close();
    }
  } catch (error) {
    showKafkaError(`Producing to ${topic} on ${profileName}`, error);
  }
}
