import type { KafkaConnectionProfile } from '../../core/kafka/KafkaConnectionProfile';

/**
 * The part of a profile that may be stored in plain settings: a copy with only the known public
 * fields, so that nothing else an object happens to carry (a password typed into a form, a
 * resolved key) can reach global state. Secrets go to SecretStorage separately.
 */
export function publicProfileFields(profile: KafkaConnectionProfile): KafkaConnectionProfile {
  return {
    name: profile.name,
    brokers: [...profile.brokers],
    ...(profile.clientId ? { clientId: profile.clientId } : {}),
    ...(profile.tls
      ? {
          tls: {
            ...(profile.tls.caFile ? { caFile: profile.tls.caFile } : {}),
            ...(profile.tls.certFile ? { certFile: profile.tls.certFile } : {}),
            ...(profile.tls.keyFile ? { keyFile: profile.tls.keyFile } : {}),
            ...(profile.tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
          },
        }
      : {}),
    ...(profile.sasl ? { sasl: { mechanism: profile.sasl.mechanism, username: profile.sasl.username } } : {}),
  };
}
