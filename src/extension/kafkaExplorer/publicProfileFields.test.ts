import { describe, expect, it } from 'vitest';
import type { KafkaConnectionProfile } from '../../core/kafka/KafkaConnectionProfile';
import { publicProfileFields } from './publicProfileFields';

describe('publicProfileFields', () => {
  it('keeps the public settings and drops anything secret an object carries', () => {
    const withSecrets = {
      name: 'prod',
      brokers: ['b1:9093', 'b2:9093'],
      clientId: 'etl',
      tls: { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem', passphrase: 'key-secret' },
      sasl: { mechanism: 'scram-sha-512', username: 'etl', password: 'sasl-secret' },
      password: 'top-level-secret',
    } as unknown as KafkaConnectionProfile;
    const stored = publicProfileFields(withSecrets);
    expect(stored).toEqual({
      name: 'prod',
      brokers: ['b1:9093', 'b2:9093'],
      clientId: 'etl',
      tls: { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' },
      sasl: { mechanism: 'scram-sha-512', username: 'etl' },
    });
    expect(JSON.stringify(stored)).not.toMatch(/secret/);
  });

  it('keeps TLS on with the system CAs when no file is set, and an explicit insecure flag', () => {
    expect(publicProfileFields({ name: 'a', brokers: ['h:1'], tls: {} })).toEqual({ name: 'a', brokers: ['h:1'], tls: {} });
    expect(publicProfileFields({ name: 'a', brokers: ['h:1'], tls: { rejectUnauthorized: false } }).tls).toEqual({
      rejectUnauthorized: false,
    });
  });
});
