import { environmentSecretSource, kafkaProfileFromEnvironment, type EnvironmentProfileOverrides } from './environmentKafkaProfiles';
import type { KafkaClient } from './KafkaClient';
import type { KafkaConnectionProfile, SecretSource } from './KafkaConnectionProfile';
import { createKafkajsClient } from './kafkajsClient';
import type { KafkaLogger } from './KafkaLogger';
import { resolveKafkaConnection } from './resolveKafkaConnection';

/** Opens a client for a connection profile, by name (a task's `kafka_config_id`). */
export type KafkaClientFactory = (profileName: string, options?: { readonly logger?: KafkaLogger }) => Promise<KafkaClient>;

/** A client for a profile, its secrets asked of `secrets`: the one way every host connects. */
export async function createKafkaClient(
  profile: KafkaConnectionProfile,
  secrets: SecretSource,
  options: { readonly logger?: KafkaLogger } = {},
): Promise<KafkaClient> {
  return createKafkajsClient(await resolveKafkaConnection(profile, secrets), options);
}

/** Profiles and secrets from environment variables (see environmentKafkaProfiles.ts): the CLI's source. */
export function environmentKafkaClientFactory(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: EnvironmentProfileOverrides = {},
): KafkaClientFactory {
  return async (profileName, options = {}) =>
    createKafkaClient(kafkaProfileFromEnvironment(profileName, env, overrides), environmentSecretSource(env), options);
}

let factory: KafkaClientFactory = environmentKafkaClientFactory();

/**
 * Replaces where the Kafka operators get their clients. The built-in operators are module
 * constants in a static registry, so the host installs its profile source here once: the
 * extension at activation (profiles from settings, secrets from SecretStorage); the CLI keeps
 * the default, the environment. Returns the previous factory, so that tests can restore it.
 */
export function setKafkaClientFactory(next: KafkaClientFactory): KafkaClientFactory {
  const previous = factory;
  factory = next;
  return previous;
}

/** A client for the profile `profileName`, from the installed factory. */
export function openKafkaClient(profileName: string, options: { readonly logger?: KafkaLogger } = {}): Promise<KafkaClient> {
  return factory(profileName, options);
}
