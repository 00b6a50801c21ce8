import { KafkaClientError } from './KafkaClientError';
import {
  DEFAULT_KAFKA_PROFILE,
  SASL_MECHANISMS,
  type KafkaConnectionProfile,
  type KafkaSecretName,
  type SaslMechanism,
  type SecretSource,
} from './KafkaConnectionProfile';

/**
 * Connection profiles and secrets from environment variables, for the CLI (and for any
 * headless run). A profile `prod` is read from `DAGSTREAM_KAFKA_PROD_<SETTING>`; the profile
 * `default` also from the shorter `DAGSTREAM_KAFKA_<SETTING>`, so that the common case is just
 * `DAGSTREAM_KAFKA_BROKERS=127.0.0.1:9092`.
 *
 * | setting                 | meaning                                                   |
 * |-------------------------|-----------------------------------------------------------|
 * | BROKERS                 | bootstrap servers, comma-separated host:port              |
 * | CLIENT_ID               | client id (default `dagstream`)                           |
 * | TLS                     | `true` to connect with TLS and the system's CAs           |
 * | TLS_CA, TLS_CERT, TLS_KEY | PEM files (any of them turns TLS on)                    |
 * | TLS_INSECURE            | `true` to accept any broker certificate (local tests)     |
 * | SASL_MECHANISM          | plain, scram-sha-256 or scram-sha-512                     |
 * | SASL_USERNAME           | SASL user                                                 |
 * | PASSWORD                | secret: the SASL password                                 |
 * | TLS_KEY_PASSPHRASE      | secret: the passphrase of TLS_KEY                         |
 */
export type KafkaProfileSetting =
  | 'BROKERS'
  | 'CLIENT_ID'
  | 'TLS'
  | 'TLS_CA'
  | 'TLS_CERT'
  | 'TLS_KEY'
  | 'TLS_INSECURE'
  | 'SASL_MECHANISM'
  | 'SASL_USERNAME'
  | 'PASSWORD'
  | 'TLS_KEY_PASSPHRASE';

type Environment = Readonly<Record<string, string | undefined>>;

/** `DAGSTREAM_KAFKA_<PROFILE>_<SETTING>`, the profile upper-cased with other characters as `_`. */
export function kafkaEnvironmentVariable(profileName: string, setting: KafkaProfileSetting): string {
  return `DAGSTREAM_KAFKA_${profileName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${setting}`;
}

/** The variables that may hold a setting, in the order they are read. */
function variablesFor(profileName: string, setting: KafkaProfileSetting): string[] {
  const specific = kafkaEnvironmentVariable(profileName, setting);
  return profileName === DEFAULT_KAFKA_PROFILE ? [specific, `DAGSTREAM_KAFKA_${setting}`] : [specific];
}

function read(env: Environment, profileName: string, setting: KafkaProfileSetting): string | undefined {
  for (const name of variablesFor(profileName, setting)) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** Secrets are taken as they are: a password may begin or end with a space. */
function readSecret(env: Environment, profileName: string, setting: KafkaProfileSetting): string | undefined {
  for (const name of variablesFor(profileName, setting)) {
    const value = env[name];
    if (value) return value;
  }
  return undefined;
}

function flag(env: Environment, profileName: string, setting: KafkaProfileSetting): boolean {
  const value = read(env, profileName, setting)?.toLowerCase();
  return value === 'true' || value === '1' || value === 'yes';
}

export interface EnvironmentProfileOverrides {
  /** `--brokers` on the command line; wins over the environment. */
  readonly brokers?: string;
  /** `--client-id`. */
  readonly clientId?: string;
}

/**
 * The profile `profileName` as the environment describes it. Throws a KafkaClientError
 * (`configuration`) that names the variable to set when the profile has no brokers.
 */
export function kafkaProfileFromEnvironment(
  profileName: string,
  env: Environment = process.env,
  overrides: EnvironmentProfileOverrides = {},
): KafkaConnectionProfile {
  const brokersText = overrides.brokers?.trim() || read(env, profileName, 'BROKERS');
  if (!brokersText) {
    const variable = profileName === DEFAULT_KAFKA_PROFILE ? 'DAGSTREAM_KAFKA_BROKERS' : kafkaEnvironmentVariable(profileName, 'BROKERS');
    const hint =
      profileName === DEFAULT_KAFKA_PROFILE
        ? ` Start a local broker with npm run kafka:start, which prints the address.`
        : ` Set the profile's other settings the same way (${kafkaEnvironmentVariable(profileName, 'SASL_MECHANISM')}, ..._SASL_USERNAME, ..._PASSWORD, ..._TLS_CA).`;
    throw new KafkaClientError(
      'configuration',
      `No Kafka brokers for profile "${profileName}": set ${variable}=host:port (comma-separated for several), or pass --brokers to the dagstream kafka commands.${hint}`,
      profileName,
      undefined,
    );
  }
  const caFile = read(env, profileName, 'TLS_CA');
  const certFile = read(env, profileName, 'TLS_CERT');
  const keyFile = read(env, profileName, 'TLS_KEY');
  const insecure = flag(env, profileName, 'TLS_INSECURE');
  const useTls = flag(env, profileName, 'TLS') || insecure || caFile !== undefined || certFile !== undefined || keyFile !== undefined;
  const mechanismText = read(env, profileName, 'SASL_MECHANISM')?.toLowerCase();
  const username = read(env, profileName, 'SASL_USERNAME');
  if (mechanismText !== undefined && !(SASL_MECHANISMS as readonly string[]).includes(mechanismText)) {
    throw new KafkaClientError(
      'configuration',
      `Kafka profile "${profileName}": ${variablesFor(profileName, 'SASL_MECHANISM')[0]}="${mechanismText}" is not a SASL mechanism; use one of ${SASL_MECHANISMS.join(', ')}.`,
      profileName,
      undefined,
    );
  }
  if ((mechanismText === undefined) !== (username === undefined)) {
    throw new KafkaClientError(
      'configuration',
      `Kafka profile "${profileName}": SASL needs both ${kafkaEnvironmentVariable(profileName, 'SASL_MECHANISM')} and ${kafkaEnvironmentVariable(profileName, 'SASL_USERNAME')} (and the password in ${kafkaEnvironmentVariable(profileName, 'PASSWORD')}).`,
      profileName,
      undefined,
    );
  }
  const clientId = overrides.clientId?.trim() || read(env, profileName, 'CLIENT_ID');
  return {
    name: profileName,
    brokers: brokersText.split(',').map((broker) => broker.trim()),
    ...(clientId ? { clientId } : {}),
    ...(useTls
      ? {
          tls: {
            ...(caFile ? { caFile } : {}),
            ...(certFile ? { certFile } : {}),
            ...(keyFile ? { keyFile } : {}),
            rejectUnauthorized: !insecure,
          },
        }
      : {}),
    ...(mechanismText !== undefined && username !== undefined ? { sasl: { mechanism: mechanismText as SaslMechanism, username } } : {}),
  };
}

const SECRET_SETTINGS: Readonly<Record<KafkaSecretName, KafkaProfileSetting>> = {
  'sasl-password': 'PASSWORD',
  'tls-key-passphrase': 'TLS_KEY_PASSPHRASE',
};

/** Secrets from `DAGSTREAM_KAFKA_<PROFILE>_PASSWORD` and `..._TLS_KEY_PASSPHRASE`. */
export function environmentSecretSource(env: Environment = process.env): SecretSource {
  return {
    getSecret: (profileName, secret) => Promise.resolve(readSecret(env, profileName, SECRET_SETTINGS[secret])),
    describeLocation: (profileName, secret) => `the environment variable ${kafkaEnvironmentVariable(profileName, SECRET_SETTINGS[secret])}`,
  };
}
