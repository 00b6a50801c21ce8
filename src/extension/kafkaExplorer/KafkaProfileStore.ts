import * as vscode from 'vscode';
import type { KafkaConnectionProfile, KafkaSecretName, SecretSource } from '../../core/kafka/KafkaConnectionProfile';
import { publicProfileFields } from './publicProfileFields';

const PROFILES_KEY = 'dagstream.kafka.profiles';
const SECRET_NAMES: readonly KafkaSecretName[] = ['sasl-password', 'tls-key-passphrase'];

/** The SecretStorage key of one secret of one profile. */
function secretKey(profileName: string, secret: KafkaSecretName): string {
  return `dagstream.kafka/${profileName}/${secret}`;
}

/** New values for a profile's secrets: a string sets it, null deletes it, absent keeps it. */
export type SecretChanges = Partial<Record<KafkaSecretName, string | null>>;

/**
 * The user's Kafka clusters. The public part of each profile (brokers, client id, TLS file paths,
 * SASL mechanism and user) lives in the extension's global state, so that every workspace sees
 * the same clusters; passwords and key passphrases live only in VS Code's SecretStorage (the OS
 * keychain), never in settings, DAG files or logs.
 */
export class KafkaProfileStore implements SecretSource, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  list(): KafkaConnectionProfile[] {
    const stored = this.state.get<KafkaConnectionProfile[]>(PROFILES_KEY, []);
    return [...stored].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): KafkaConnectionProfile | undefined {
    return this.list().find((profile) => profile.name === name);
  }

  /**
   * Adds or replaces a profile. `previousName` renames one: its secrets move with it.
   * Only the public fields are kept, whatever else the object holds.
   */
  async save(profile: KafkaConnectionProfile, secrets: SecretChanges, previousName?: string): Promise<void> {
    const clean = publicProfileFields(profile);
    const others = this.list().filter((p) => p.name !== clean.name && p.name !== previousName);
    if (previousName !== undefined && previousName !== clean.name) {
      for (const name of SECRET_NAMES) {
        const value = await this.secrets.get(secretKey(previousName, name));
        if (value !== undefined && secrets[name] === undefined) await this.secrets.store(secretKey(clean.name, name), value);
        await this.secrets.delete(secretKey(previousName, name));
      }
    }
    for (const name of SECRET_NAMES) {
      const change = secrets[name];
      if (typeof change === 'string') await this.secrets.store(secretKey(clean.name, name), change);
      else if (change === null) await this.secrets.delete(secretKey(clean.name, name));
    }
    await this.state.update(PROFILES_KEY, [...others, clean]);
    this.changed.fire();
  }

  async remove(name: string): Promise<void> {
    await this.state.update(
      PROFILES_KEY,
      this.list().filter((profile) => profile.name !== name),
    );
    for (const secret of SECRET_NAMES) await this.secrets.delete(secretKey(name, secret));
    this.changed.fire();
  }

  async hasSecret(profileName: string, secret: KafkaSecretName): Promise<boolean> {
    return (await this.secrets.get(secretKey(profileName, secret))) !== undefined;
  }

  getSecret(profileName: string, secret: KafkaSecretName): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(secretKey(profileName, secret)));
  }

  describeLocation(profileName: string, secret: KafkaSecretName): string {
    const what = secret === 'sasl-password' ? 'the SASL password' : 'the TLS key passphrase';
    return `${what} with "Dagstream: Edit Kafka Cluster" on "${profileName}" (kept in VS Code's secret storage)`;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
