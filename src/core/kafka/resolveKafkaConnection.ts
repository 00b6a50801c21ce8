import { readFile } from 'node:fs/promises';
import { KafkaClientError } from './KafkaClientError';
import {
  DEFAULT_KAFKA_CLIENT_ID,
  SASL_MECHANISMS,
  type KafkaConnectionProfile,
  type KafkaSecretName,
  type SaslMechanism,
  type SecretSource,
} from './KafkaConnectionProfile';

/**
 * A profile with its files read and its secrets filled in: what an adapter needs to connect.
 * Lives only in memory for the life of one client; `secrets` lists every secret value so that
 * log lines can be scrubbed of them.
 */
export interface ResolvedKafkaConnection {
  readonly profileName: string;
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly tls?: {
    readonly ca?: string;
    readonly cert?: string;
    readonly key?: string;
    readonly passphrase?: string;
    readonly rejectUnauthorized: boolean;
  };
  readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string };
  readonly secrets: readonly string[];
}

const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Checks a profile's settings, reads its TLS files and asks `secrets` for its password. Throws
 * a KafkaClientError (`configuration`) naming the profile and the setting at fault.
 */
export async function resolveKafkaConnection(profile: KafkaConnectionProfile, secrets: SecretSource): Promise<ResolvedKafkaConnection> {
  const brokers = checkKafkaBrokers(profile);
  const found: string[] = [];
  const secret = async (name: KafkaSecretName): Promise<string | undefined> => {
    const value = await secrets.getSecret(profile.name, name);
    if (value !== undefined && value !== '') found.push(value);
    return value === '' ? undefined : value;
  };

  let tls: ResolvedKafkaConnection['tls'];
  if (profile.tls) {
    const { caFile, certFile, keyFile, rejectUnauthorized = true } = profile.tls;
    if ((certFile === undefined) !== (keyFile === undefined)) {
      throw configurationError(profile, 'TLS client authentication needs both a certificate file and a key file; set both or neither.');
    }
    const passphrase = keyFile === undefined ? undefined : await secret('tls-key-passphrase');
    tls = {
      ...(caFile === undefined ? {} : { ca: await readPem(profile, 'CA file', caFile) }),
      ...(certFile === undefined ? {} : { cert: await readPem(profile, 'client certificate file', certFile) }),
      ...(keyFile === undefined ? {} : { key: await readPem(profile, 'client key file', keyFile) }),
      ...(passphrase === undefined ? {} : { passphrase }),
      rejectUnauthorized,
    };
  }

  let sasl: ResolvedKafkaConnection['sasl'];
  if (profile.sasl) {
    const { mechanism, username } = profile.sasl;
    if (!SASL_MECHANISMS.includes(mechanism)) {
      throw configurationError(profile, `unknown SASL mechanism "${String(mechanism)}"; use one of ${SASL_MECHANISMS.join(', ')}.`);
    }
    if (!username) throw configurationError(profile, `SASL ${mechanism} needs a username.`);
    const password = await secret('sasl-password');
    if (password === undefined) {
      throw configurationError(
        profile,
        `SASL ${mechanism} for user "${username}" needs a password, and none is set. Set ${secrets.describeLocation(profile.name, 'sasl-password')}.`,
      );
    }
    sasl = { mechanism, username, password };
  }

  return {
    profileName: profile.name,
    brokers,
    clientId: profile.clientId?.trim() || DEFAULT_KAFKA_CLIENT_ID,
    connectionTimeoutMs: positive(profile.connectionTimeoutMs) ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: positive(profile.requestTimeoutMs) ?? DEFAULT_REQUEST_TIMEOUT_MS,
    ...(tls ? { tls } : {}),
    ...(sasl ? { sasl } : {}),
    secrets: found,
  };
}

/** The profile's bootstrap servers, each checked to be `host:port`. */
export function checkKafkaBrokers(profile: Pick<KafkaConnectionProfile, 'name' | 'brokers'>): string[] {
  const brokers = profile.brokers.map((broker) => broker.trim()).filter((broker) => broker.length > 0);
  if (brokers.length === 0) {
    throw configurationError(profile, 'no bootstrap servers are set; give at least one as host:port.');
  }
  for (const broker of brokers) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(broker);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65_535) {
      throw configurationError(profile, `"${broker}" is not a broker address; write it as host:port, e.g. 127.0.0.1:9092.`);
    }
  }
  return brokers;
}

async function readPem(profile: KafkaConnectionProfile, what: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw configurationError(profile, `could not read the TLS ${what} ${file}: ${reason}. Check the path in the profile.`, error);
  }
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function configurationError(profile: Pick<KafkaConnectionProfile, 'name'>, problem: string, cause?: unknown): KafkaClientError {
  return new KafkaClientError('configuration', `Kafka profile "${profile.name}": ${problem}`, profile.name, undefined, { cause });
}
