import type * as vscode from 'vscode';
import type { KafkaClient } from '../../core/kafka/KafkaClient';
import { KafkaClientError } from '../../core/kafka/KafkaClientError';
import { DEFAULT_KAFKA_PROFILE } from '../../core/kafka/KafkaConnectionProfile';
import type { KafkaLogger } from '../../core/kafka/KafkaLogger';
import type { KafkaClientFactory } from '../../core/kafka/openKafkaClient';
import { loadExtensionServices } from '../services/loadExtensionServices';
import type { KafkaProfileStore } from './KafkaProfileStore';

/**
 * One shared client per cluster for the explorer and the message browsers, opened on first use
 * and dropped when its profile changes or a refresh follows a failure (so that a broker started
 * later is found).
 */
export class KafkaConnections implements vscode.Disposable {
  private readonly clients = new Map<string, Promise<KafkaClient>>();

  constructor(
    private readonly store: KafkaProfileStore,
    private readonly logger: KafkaLogger,
  ) {}

  /** The client of a profile in the store; rejects with a KafkaClientError naming what is wrong. */
  client(profileName: string): Promise<KafkaClient> {
    let client = this.clients.get(profileName);
    if (!client) {
      const profile = this.store.get(profileName);
      client = profile
        ? // kafkajs loads with the first client, not at activation.
          loadExtensionServices().then((services) => services.createKafkaClient(profile, this.store, { logger: this.logger }))
        : Promise.reject(
            new KafkaClientError(
              'configuration',
              `No Kafka cluster named "${profileName}"; add it with "Dagstream: Add Kafka Cluster".`,
              profileName,
              undefined,
            ),
          );
      client.catch(() => this.clients.delete(profileName));
      this.clients.set(profileName, client);
    }
    return client;
  }

  /** Closes the client of one profile (after an edit or a failure), or of all. */
  async reset(profileName?: string): Promise<void> {
    const names = profileName === undefined ? [...this.clients.keys()] : [profileName];
    await Promise.all(
      names.map(async (name) => {
        const client = this.clients.get(name);
        this.clients.delete(name);
        await client?.then((c) => c.close()).catch(() => undefined);
      }),
    );
  }

  dispose(): void {
    void this.reset();
  }
}

/**
 * Where the engine's Kafka operators get their clients in VS Code: a task's `kafka_config_id`
 * names a cluster of the explorer (secrets from SecretStorage). A name the explorer does not
 * know falls back to the environment, as on the CLI, so that `default` with
 * DAGSTREAM_KAFKA_BROKERS keeps working; the error then names both places.
 */
export function profileStoreClientFactory(store: KafkaProfileStore, env = process.env): KafkaClientFactory {
  return async (profileName, options = {}) => {
    const services = await loadExtensionServices();
    const profile = store.get(profileName);
    if (profile) return services.createKafkaClient(profile, store, options);
    try {
      return await services.environmentKafkaClientFactory(env)(profileName, options);
    } catch (error) {
      if (error instanceof KafkaClientError && error.code === 'configuration') {
        const known = store.list().map((p) => `"${p.name}"`);
        throw new KafkaClientError(
          'configuration',
          `No Kafka cluster "${profileName}" in the Kafka view${known.length > 0 ? ` (it has ${known.join(', ')})` : ''}: add one with "Dagstream: Add Kafka Cluster" named "${profileName}"${profileName === DEFAULT_KAFKA_PROFILE ? ', or set DAGSTREAM_KAFKA_BROKERS' : ''}, or set kafka_config_id to one of the clusters.`,
          profileName,
          undefined,
          { cause: error },
        );
      }
      throw error;
    }
  };
}
