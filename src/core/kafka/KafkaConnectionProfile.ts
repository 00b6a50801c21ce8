/**
 * How to reach one Kafka cluster. A profile holds nothing secret: passwords and key
 * passphrases come from a SecretSource when the connection is opened (VS Code's SecretStorage
 * in the extension, environment variables on the CLI), so a profile can be written to settings
 * or printed in an error without leaking anything.
 */
export interface KafkaConnectionProfile {
  /** The name DAGs use as `kafka_config_id`; `default` unless the user made others. */
  readonly name: string;
  /** Bootstrap servers as `host:port`. */
  readonly brokers: readonly string[];
  /** Shown in the brokers' logs and quotas; `dagstream` unless set. */
  readonly clientId?: string;
  /** Connect with TLS. Present (even empty) means TLS, with the system's CAs unless `caFile` is set. */
  readonly tls?: KafkaTlsSettings;
  readonly sasl?: KafkaSaslSettings;
  /** How long to wait for a TCP (and TLS) connection; default 3 s. */
  readonly connectionTimeoutMs?: number;
  /** How long to wait for a broker's answer to a request; default 30 s. */
  readonly requestTimeoutMs?: number;
}

export interface KafkaTlsSettings {
  /** PEM file of the CA(s) that signed the brokers' certificates. */
  readonly caFile?: string;
  /** PEM client certificate, for brokers that require TLS client authentication. */
  readonly certFile?: string;
  /** PEM private key of the client certificate; its passphrase, if any, is the secret `tls-key-passphrase`. */
  readonly keyFile?: string;
  /** Default true. False accepts any certificate: only for a local test cluster. */
  readonly rejectUnauthorized?: boolean;
}

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaSaslSettings {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  /* The password is the secret `sasl-password`. */
}

/** The secrets a profile may need. */
export type KafkaSecretName = 'sasl-password' | 'tls-key-passphrase';

/**
 * Where secrets come from. Implementations never log what they return.
 */
export interface SecretSource {
  /** Undefined when the secret is not set. */
  getSecret(profileName: string, secret: KafkaSecretName): Promise<string | undefined>;
  /** Where a user sets the secret, for the message when it is missing (e.g. an environment variable's name). */
  describeLocation(profileName: string, secret: KafkaSecretName): string;
}

export const DEFAULT_KAFKA_PROFILE = 'default';
export const DEFAULT_KAFKA_CLIENT_ID = 'dagstream';
