import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KafkaConnectionProfile, SecretSource } from './KafkaConnectionProfile';
import { checkKafkaBrokers, resolveKafkaConnection } from './resolveKafkaConnection';

const dir = mkdtempSync(join(tmpdir(), 'dagstream-kafka-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secrets(values: Record<string, string>): SecretSource {
  return {
    getSecret: (profile, secret) => Promise.resolve(values[`${profile}/${secret}`]),
    describeLocation: (profile, secret) => `secret ${secret} of ${profile}`,
  };
}

describe('resolveKafkaConnection', () => {
  it('fills in the password and remembers it for scrubbing logs', async () => {
    const profile: KafkaConnectionProfile = {
      name: 'prod',
      brokers: ['kafka:9093'],
      sasl: { mechanism: 'scram-sha-256', username: 'etl' },
    };
    const resolved = await resolveKafkaConnection(profile, secrets({ 'prod/sasl-password': 's3cret' }));
    expect(resolved.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'etl', password: 's3cret' });
    expect(resolved.secrets).toEqual(['s3cret']);
    expect(resolved.clientId).toBe('dagstream');
    expect(resolved.connectionTimeoutMs).toBe(3000);
  });

  it('says where to set a missing password, without any secret in the message', async () => {
    const profile: KafkaConnectionProfile = { name: 'prod', brokers: ['kafka:9093'], sasl: { mechanism: 'plain', username: 'etl' } };
    await expect(resolveKafkaConnection(profile, secrets({}))).rejects.toThrow(
      'Kafka profile "prod": SASL plain for user "etl" needs a password, and none is set. Set secret sasl-password of prod.',
    );
  });

  it('reads the TLS files and names a file it cannot read', async () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const resolved = await resolveKafkaConnection({ name: 'tls', brokers: ['k:9093'], tls: { caFile: ca } }, secrets({}));
    expect(resolved.tls).toEqual({ ca: expect.stringContaining('BEGIN CERTIFICATE') as unknown, rejectUnauthorized: true });
    await expect(
      resolveKafkaConnection({ name: 'tls', brokers: ['k:9093'], tls: { caFile: join(dir, 'missing.pem') } }, secrets({})),
    ).rejects.toThrow(/Kafka profile "tls": could not read the TLS CA file .*missing\.pem: ENOENT/);
    await expect(resolveKafkaConnection({ name: 'tls', brokers: ['k:9093'], tls: { certFile: ca } }, secrets({}))).rejects.toThrow(
      'needs both a certificate file and a key file',
    );
  });

  it('checks broker addresses', () => {
    expect(checkKafkaBrokers({ name: 'p', brokers: [' 127.0.0.1:9092 ', 'kafka-1.internal:19092', '[::1]:9092'] })).toEqual([
      '127.0.0.1:9092',
      'kafka-1.internal:19092',
      '[::1]:9092',
    ]);
    expect(() => checkKafkaBrokers({ name: 'p', brokers: ['localhost'] })).toThrow(
      '"localhost" is not a broker address; write it as host:port',
    );
    expect(() => checkKafkaBrokers({ name: 'p', brokers: ['http://kafka:9092'] })).toThrow('is not a broker address');
    expect(() => checkKafkaBrokers({ name: 'p', brokers: [''] })).toThrow('no bootstrap servers are set');
  });
});
