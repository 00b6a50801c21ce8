import * as vscode from 'vscode';
import {
  DEFAULT_KAFKA_CLIENT_ID,
  type KafkaConnectionProfile,
  type KafkaSaslSettings,
  type KafkaTlsSettings,
  type SaslMechanism,
} from '../../core/kafka/KafkaConnectionProfile';
import { checkKafkaBrokers } from '../../core/kafka/resolveKafkaConnection';
import type { KafkaConnections } from './KafkaConnections';
import type { KafkaProfileStore, SecretChanges } from './KafkaProfileStore';

const TITLE_ADD = 'Add Kafka Cluster';
const TITLE_EDIT = 'Edit Kafka Cluster';

/** An input box that resolves undefined when the user presses Escape. */
async function ask(options: vscode.InputBoxOptions & { title: string }): Promise<string | undefined> {
  return vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
}

type TlsChoice = 'none' | 'system' | 'ca' | 'mutual';
type SaslChoice = 'none' | SaslMechanism;

/**
 * Adds a cluster, or edits `existing`, in a series of input boxes: name, bootstrap servers,
 * client id, TLS, SASL. Passwords go to SecretStorage only; leaving a password box empty while
 * editing keeps the stored one. Tries the connection afterwards and says how it went.
 */
export async function editClusterCommand(
  store: KafkaProfileStore,
  connections: KafkaConnections,
  existing?: KafkaConnectionProfile,
): Promise<void> {
  const title = existing ? `${TITLE_EDIT}: ${existing.name}` : TITLE_ADD;
  const taken = new Set(store.list().map((p) => p.name));
  if (existing) taken.delete(existing.name);

  const name = await ask({
    title,
    prompt: 'Name of the cluster (DAG tasks refer to it as kafka_config_id)',
    placeHolder: 'default',
    value: existing?.name ?? (taken.has('default') ? '' : 'default'),
    validateInput: (value) => {
      const trimmed = value.trim();
      if (!trimmed) return 'Give the cluster a name, e.g. default or prod.';
      if (!/^[\w.-]+$/.test(trimmed)) return 'Use letters, digits, ".", "_" and "-" only: the name is used in DAG files.';
      if (taken.has(trimmed)) return `A cluster named "${trimmed}" exists already; edit it instead, or choose another name.`;
      return undefined;
    },
  });
  if (name === undefined) return;

  const brokersText = await ask({
    title,
    prompt: 'Bootstrap servers (host:port, comma-separated)',
    placeHolder: '127.0.0.1:9092',
    value: existing?.brokers.join(',') ?? '',
    validateInput: (value) => {
      try {
        checkKafkaBrokers({ name: name.trim(), brokers: value.split(',') });
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
  });
  if (brokersText === undefined) return;

  const clientId = await ask({
    title,
    prompt: 'Client id (shown in the brokers\u2019 logs and quotas)',
    value: existing?.clientId ?? DEFAULT_KAFKA_CLIENT_ID,
  });
  if (clientId === undefined) return;

  const currentTls: TlsChoice = !existing?.tls ? 'none' : existing.tls.certFile ? 'mutual' : existing.tls.caFile ? 'ca' : 'system';
  const tlsPick = await vscode.window.showQuickPick(
    (
      [
        { choice: 'none', label: 'No TLS', description: 'plaintext' },
        { choice: 'system', label: 'TLS', description: 'brokers\u2019 certificates checked against the system\u2019s CAs' },
        { choice: 'ca', label: 'TLS with a CA file', description: 'a PEM file of the CA that signed the brokers\u2019 certificates' },
        { choice: 'mutual', label: 'TLS with a client certificate', description: 'CA file (optional), client certificate and key' },
      ] as const
    ).map((item) => ({ ...item, picked: item.choice === currentTls })),
    { title, placeHolder: 'Transport security', ignoreFocusOut: true },
  );
  if (!tlsPick) return;

  const secrets: SecretChanges = {};
  let tls: KafkaTlsSettings | undefined;
  if (tlsPick.choice !== 'none') {
    let caFile: string | undefined;
    let certFile: string | undefined;
    let keyFile: string | undefined;
    if (tlsPick.choice === 'ca' || tlsPick.choice === 'mutual') {
      caFile = await askPath(title, 'CA certificate file (PEM)', existing?.tls?.caFile, tlsPick.choice === 'mutual');
      if (caFile === undefined) return;
    }
    if (tlsPick.choice === 'mutual') {
      certFile = await askPath(title, 'Client certificate file (PEM)', existing?.tls?.certFile, false);
      if (certFile === undefined) return;
      keyFile = await askPath(title, 'Client private key file (PEM)', existing?.tls?.keyFile, false);
      if (keyFile === undefined) return;
      const passphrase = await askSecret(title, 'Passphrase of the private key (empty if none)', existing !== undefined);
      if (passphrase === undefined) return;
      if (passphrase !== '') secrets['tls-key-passphrase'] = passphrase;
    } else {
      secrets['tls-key-passphrase'] = null;
    }
    tls = { ...(caFile ? { caFile } : {}), ...(certFile ? { certFile } : {}), ...(keyFile ? { keyFile } : {}) };
  } else {
    secrets['tls-key-passphrase'] = null;
  }

  const currentSasl: SaslChoice = existing?.sasl?.mechanism ?? 'none';
  const saslPick = await vscode.window.showQuickPick(
    (
      [
        { choice: 'none', label: 'No SASL', description: 'no authentication' },
        { choice: 'plain', label: 'SASL PLAIN', description: 'user name and password (use with TLS)' },
        { choice: 'scram-sha-256', label: 'SASL SCRAM-SHA-256', description: 'user name and password' },
        { choice: 'scram-sha-512', label: 'SASL SCRAM-SHA-512', description: 'user name and password' },
      ] as const
    ).map((item) => ({ ...item, picked: item.choice === currentSasl })),
    { title, placeHolder: 'Authentication', ignoreFocusOut: true },
  );
  if (!saslPick) return;
  let sasl: KafkaSaslSettings | undefined;
  if (saslPick.choice !== 'none') {
    const username = await ask({
      title,
      prompt: `SASL ${saslPick.choice} user name`,
      value: existing?.sasl?.username ?? '',
      validateInput: (value) => (value.trim() ? undefined : 'A user name is needed for SASL.'),
    });
    if (username === undefined) return;
    const keep = existing?.sasl !== undefined && (await store.hasSecret(existing.name, 'sasl-password'));
    const password = await askSecret(title, `SASL password for ${username.trim()}`, keep);
    if (password === undefined) return;
    if (password !== '') secrets['sasl-password'] = password;
    else if (!keep) {
      void vscode.window.showWarningMessage(`No SASL password was given for cluster "${name.trim()}"; edit the cluster to set one.`);
    }
    sasl = { mechanism: saslPick.choice, username: username.trim() };
  } else {
    secrets['sasl-password'] = null;
  }

  const profile: KafkaConnectionProfile = {
    name: name.trim(),
    brokers: brokersText
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    ...(clientId.trim() && clientId.trim() !== DEFAULT_KAFKA_CLIENT_ID ? { clientId: clientId.trim() } : {}),
    ...(tls ? { tls } : {}),
    ...(sasl ? { sasl } : {}),
  };
  if (existing) await connections.reset(existing.name);
  await store.save(profile, secrets, existing?.name);
  await testConnection(connections, profile);
}

async function askPath(title: string, prompt: string, value: string | undefined, optional: boolean): Promise<string | undefined> {
  const answer = await ask({
    title,
    prompt: optional ? `${prompt}; empty for the system\u2019s CAs` : prompt,
    value: value ?? '',
    placeHolder: '/path/to/file.pem',
    validateInput: (text) => (optional || text.trim() ? undefined : 'A file path is needed here.'),
  });
  return answer?.trim();
}

async function askSecret(title: string, prompt: string, canKeep: boolean): Promise<string | undefined> {
  return ask({
    title,
    prompt: canKeep ? `${prompt}; leave empty to keep the stored one` : prompt,
    password: true,
  });
}

/** Connects once and reports the cluster's size, or what went wrong. */
async function testConnection(connections: KafkaConnections, profile: KafkaConnectionProfile): Promise<void> {
  try {
    const cluster = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Connecting to Kafka cluster "${profile.name}"…` },
      async () => (await (await connections.client(profile.name)).admin()).describeCluster(),
    );
    void vscode.window.showInformationMessage(
      `Kafka cluster "${profile.name}" saved and reachable: ${cluster.brokers.length} broker(s), cluster id ${cluster.clusterId}.`,
    );
  } catch (error) {
    await connections.reset(profile.name);
    void vscode.window.showWarningMessage(
      `Kafka cluster "${profile.name}" saved, but connecting failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
