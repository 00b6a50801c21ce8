import * as vscode from 'vscode';
import type { KafkaClientFactory } from '../../core/kafka/openKafkaClient';
import { loadedServices, whenServicesLoad } from '../services/loadExtensionServices';
import { editClusterCommand } from './editClusterCommand';
import { KafkaConnections, profileStoreClientFactory } from './KafkaConnections';
import { KafkaProfileStore } from './KafkaProfileStore';
import { KafkaTreeProvider } from './KafkaTreeProvider';
import type { KafkaTreeNode } from './kafkaTreeNodes';
import { MessageBrowserPanel } from './MessageBrowserPanel';
import { pickCluster, pickTopic } from './pickKafkaTargets';
import { produceMessageCommand } from './produceMessageCommand';
import { resetGroupOffsetsCommand } from './resetGroupOffsetsCommand';
import {
  createTopicCommand,
  deleteTopicCommand,
  describeTopicCommand,
  TOPIC_DESCRIPTION_SCHEME,
  TopicDescriptionProvider,
} from './topicCommands';

/**
 * The Kafka explorer: cluster profiles (secrets in SecretStorage), the "Kafka" view, its
 * commands and the message browser; and the source of the engine's Kafka clients, so that a
 * task's `kafka_config_id` names a cluster of this view.
 */
export function registerKafkaExplorer(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Dagstream Kafka', { log: true });
  const store = new KafkaProfileStore(context.globalState, context.secrets);
  // Only warnings and errors: the client's own chatter (retries it recovers from) is noise here.
  // Lines reach the logger with every secret of the connection already replaced by ***.
  const connections = new KafkaConnections(store, (level, message) => {
    if (level === 'error') output.error(message);
    else if (level === 'warn') output.warn(message);
  });
  const tree = new KafkaTreeProvider(store, connections);
  // The engine's Kafka operators get their clients from this view's clusters. The factory is
  // installed when the engine's code loads (on first use), which is before any task can ask for it.
  let previousFactory: KafkaClientFactory | undefined;
  const installFactory = whenServicesLoad((services) => {
    previousFactory = services.setKafkaClientFactory(profileStoreClientFactory(store));
  });

  const refresh = (node?: KafkaTreeNode): void => tree.refresh(node);
  const refreshCluster = (node?: KafkaTreeNode) => () => tree.refresh(node?.kind === 'cluster' ? node : undefined);
  const command = (id: string, run: (node?: KafkaTreeNode) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, (node?: KafkaTreeNode) => run(isNode(node) ? node : undefined));

  context.subscriptions.push(
    output,
    store,
    connections,
    tree,
    {
      dispose: () => {
        installFactory.dispose();
        if (previousFactory) loadedServices()?.setKafkaClientFactory(previousFactory);
      },
    },
    vscode.window.registerTreeDataProvider(KafkaTreeProvider.viewId, tree),
    vscode.workspace.registerTextDocumentContentProvider(TOPIC_DESCRIPTION_SCHEME, new TopicDescriptionProvider(connections)),
    command('dagstream.kafka.addCluster', () => editClusterCommand(store, connections)),
    command('dagstream.kafka.editCluster', async (node) => {
      const name = await pickCluster(store, node, 'Edit Kafka Cluster');
      const profile = name === undefined ? undefined : store.get(name);
      if (profile) await editClusterCommand(store, connections, profile);
    }),
    command('dagstream.kafka.removeCluster', async (node) => {
      const name = await pickCluster(store, node, 'Remove Kafka Cluster');
      if (name === undefined) return;
      const remove = 'Remove Cluster';
      const answer = await vscode.window.showWarningMessage(
        `Remove Kafka cluster "${name}" from Dagstream?`,
        {
          modal: true,
          detail:
            'Its settings and stored passwords are removed; the cluster and its topics are not touched. DAG tasks that use it as kafka_config_id will fail until it is added again.',
        },
        remove,
      );
      if (answer !== remove) return;
      await connections.reset(name);
      await store.remove(name);
    }),
    command('dagstream.kafka.refresh', async (node) => {
      const name = node?.kind === 'cluster' ? node.profile.name : undefined;
      await connections.reset(name);
      refresh(node?.kind === 'cluster' ? node : undefined);
    }),
    command('dagstream.kafka.createTopic', (node) => createTopicCommand(store, connections, node, refreshCluster(node))),
    command('dagstream.kafka.deleteTopic', (node) => deleteTopicCommand(store, connections, node, () => refresh())),
    command('dagstream.kafka.describeTopic', (node) => describeTopicCommand(store, connections, node)),
    command('dagstream.kafka.produceMessage', (node) =>
      produceMessageCommand(store, connections, context.globalState, node, () => refresh(node?.kind === 'topic' ? node : undefined)),
    ),
    command('dagstream.kafka.resetGroupOffsets', (node) => resetGroupOffsetsCommand(store, connections, node, () => refresh())),
    command('dagstream.kafka.openMessageBrowser', async (node) => {
      const title = 'Open Message Browser';
      const profileName = await pickCluster(store, node, title);
      if (!profileName) return;
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(
          `${title}: Dagstream connects to Kafka only in a trusted workspace. Trust this workspace first.`,
        );
        return;
      }
      const topic = await pickTopic(connections, profileName, node, title);
      if (topic) MessageBrowserPanel.show(context.extensionUri, connections, profileName, topic);
    }),
  );
}

/** Commands get a tree node from menus, and anything (or nothing) from the palette or keybindings. */
function isNode(value: unknown): value is KafkaTreeNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}
