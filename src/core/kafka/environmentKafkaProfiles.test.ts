import { describe, expect, it } from 'vitest';
import { environmentSecretSource, kafkaEnvironmentVariable, kafkaProfileFromEnvironment } from './environmentKafkaProfiles';
import { KafkaClientError } from './KafkaClientError';

describe('kafkaProfileFromEnvironment', () => {
  it('reads the default profile from DAGSTREAM_KAFKA_BROKERS, and --brokers wins', () => {
    expect(kafkaProfileFromEnvironment('default', { DAGSTREAM_KAFKA_BROKERS: 'a:1, b:2' })).toEqual({
      name: 'default',
      brokers: ['a:1', 'b:2'],
    });
    expect(kafkaProfileFromEnvironment('default', { DAGSTREAM_KAFKA_BROKERS: 'a:1' }, { brokers: 'c:3' }).brokers).toEqual(['c:3']);
  });

  it('reads a named profile from its own variables, with TLS and SASL', () => {
    const profile = kafkaProfileFromEnvironment('prod-eu', {
      DAGSTREAM_KAFKA_PROD_EU_BROKERS: 'kafka:9093',
      DAGSTREAM_KAFKA_PROD_EU_CLIENT_ID: 'etl',
      DAGSTREAM_KAFKA_PROD_EU_TLS_CA: '/etc/ca.pem',
      DAGSTREAM_KAFKA_PROD_EU_SASL_MECHANISM: 'SCRAM-SHA-512',
      DAGSTREAM_KAFKA_PROD_EU_SASL_USERNAME: 'loader',
      // The default profile's variables do not leak into a named one.
      DAGSTREAM_KAFKA_BROKERS: 'localhost:9092',
    });
    expect(profile).toEqual({
      name: 'prod-eu',
      brokers: ['kafka:9093'],
      clientId: 'etl',
      tls: { caFile: '/etc/ca.pem', rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'loader' },
    });
    expect(kafkaEnvironmentVariable('prod-eu', 'PASSWORD')).toBe('DAGSTREAM_KAFKA_PROD_EU_PASSWORD');
  });

  it('says which variable to set when a profile has no brokers', () => {
    expect(() => kafkaProfileFromEnvironment('default', {})).toThrow(
      'No Kafka brokers for profile "default": set DAGSTREAM_KAFKA_BROKERS=host:port (comma-separated for several), or pass --brokers to the dagstream kafka commands. Start a local broker with npm run kafka:start',
    );
    expect(() => kafkaProfileFromEnvironment('prod', { DAGSTREAM_KAFKA_BROKERS: 'x:1' })).toThrow(
      'set DAGSTREAM_KAFKA_PROD_BROKERS=host:port',
    );
    try {
      kafkaProfileFromEnvironment('prod', {});
    } catch (error) {
      expect(error).toBeInstanceOf(KafkaClientError);
      expect((error as KafkaClientError).code).toBe('configuration');
    }
  });

  it('rejects an unknown SASL mechanism and half a SASL setup', () => {
    expect(() =>
      kafkaProfileFromEnvironment('p', {
        DAGSTREAM_KAFKA_P_BROKERS: 'x:1',
        DAGSTREAM_KAFKA_P_SASL_MECHANISM: 'gssapi',
        DAGSTREAM_KAFKA_P_SASL_USERNAME: 'u',
      }),
    ).toThrow('is not a SASL mechanism; use one of plain, scram-sha-256, scram-sha-512');
    expect(() => kafkaProfileFromEnvironment('p', { DAGSTREAM_KAFKA_P_BROKERS: 'x:1', DAGSTREAM_KAFKA_P_SASL_MECHANISM: 'plain' })).toThrow(
      'SASL needs both DAGSTREAM_KAFKA_P_SASL_MECHANISM and DAGSTREAM_KAFKA_P_SASL_USERNAME',
    );
  });

  it('turns TLS on for TLS=true or any TLS file, and off certificate checks only when asked', () => {
    expect(kafkaProfileFromEnvironment('default', { DAGSTREAM_KAFKA_BROKERS: 'x:1', DAGSTREAM_KAFKA_TLS: 'true' }).tls).toEqual({
      rejectUnauthorized: true,
    });
    expect(kafkaProfileFromEnvironment('default', { DAGSTREAM_KAFKA_BROKERS: 'x:1', DAGSTREAM_KAFKA_TLS_INSECURE: '1' }).tls).toEqual({
      rejectUnauthorized: false,
    });
    expect(kafkaProfileFromEnvironment('default', { DAGSTREAM_KAFKA_BROKERS: 'x:1' }).tls).toBeUndefined();
  });
});

describe('environmentSecretSource', () => {
  it('reads passwords untrimmed from DAGSTREAM_KAFKA_<PROFILE>_PASSWORD and says where they go', async () => {
    const secrets = environmentSecretSource({ DAGSTREAM_KAFKA_PROD_PASSWORD: ' p@ss ', DAGSTREAM_KAFKA_PASSWORD: 'default-pass' });
    expect(await secrets.getSecret('prod', 'sasl-password')).toBe(' p@ss ');
    expect(await secrets.getSecret('default', 'sasl-password')).toBe('default-pass');
    expect(await secrets.getSecret('other', 'sasl-password')).toBeUndefined();
    expect(secrets.describeLocation('prod', 'tls-key-passphrase')).toBe('the environment variable DAGSTREAM_KAFKA_PROD_TLS_KEY_PASSPHRASE');
  });
});
