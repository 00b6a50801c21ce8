import { describe, expect, it } from 'vitest';
import type { KafkaConnectionProfile, KafkaSecretName } from '../../core/kafka/KafkaConnectionProfile';
import { profileStoreClientFactory } from './KafkaConnections';
import type { KafkaProfileStore } from './KafkaProfileStore';

/** The two things the factory asks of the store: profiles by name, and secrets. */
function fakeStore(profiles: KafkaConnectionProfile[], secrets: Record<string, string> = {}): KafkaProfileStore {
  return {
    get: (name: string) => profiles.find((p) => p.name === name),
    list: () => profiles,
    getSecret: (profile: string, secret: KafkaSecretName) => Promise.resolve(secrets[`${profile}/${secret}`]),
    describeLocation: () => 'the secret storage',
  } as unknown as KafkaProfileStore;
}

describe('profileStoreClientFactory (kafka_config_id in VS Code)', () => {
  it('opens a client for a cluster of the Kafka view, by name, with its password from secret storage', async () => {
    const store = fakeStore([{ name: 'prod', brokers: ['kafka-1:9093'], sasl: { mechanism: 'scram-sha-512', username: 'etl' } }], {
      'prod/sasl-password': 'pw',
    });
    const client = await profileStoreClientFactory(store, {})('prod');
    expect(client.profileName).toBe('prod');
    expect(client.brokers).toEqual(['kafka-1:9093']);
    await client.close();
  });

  it('refuses a SASL cluster whose password is not stored, saying where to set it', async () => {
    const store = fakeStore([{ name: 'prod', brokers: ['kafka-1:9093'], sasl: { mechanism: 'plain', username: 'etl' } }]);
    await expect(profileStoreClientFactory(store, {})('prod')).rejects.toThrow(/needs a password.*Set the secret storage/);
  });

  it('falls back to the environment for names the view does not know, as the CLI does', async () => {
    const client = await profileStoreClientFactory(fakeStore([]), { DAGSTREAM_KAFKA_BROKERS: '127.0.0.1:9092' })('default');
    expect(client.brokers).toEqual(['127.0.0.1:9092']);
    await client.close();
  });

  it('names the clusters it has when a task asks for one that exists nowhere', async () => {
    const store = fakeStore([{ name: 'local', brokers: ['127.0.0.1:9092'] }]);
    await expect(profileStoreClientFactory(store, {})('staging')).rejects.toThrow(
      'No Kafka cluster "staging" in the Kafka view (it has "local"): add one with "Dagstream: Add Kafka Cluster" named "staging", or set kafka_config_id to one of the clusters.',
    );
  });
});
