import { describe, expect, it } from 'vitest';
import { KafkaClientError } from './KafkaClientError';
import { createKafkajsClient } from './kafkajsClient';
import { resolveKafkaConnection } from './resolveKafkaConnection';

// No broker needed: port 9 (discard) on loopback refuses connections on these machines.
async function unreachableClient(logger?: (level: string, message: string) => void) {
  const connection = await resolveKafkaConnection(
    { name: 'default', brokers: ['127.0.0.1:9'], sasl: { mechanism: 'plain', username: 'etl' } },
    { getSecret: () => Promise.resolve('hunter2'), describeLocation: () => 'env' },
  );
  return createKafkajsClient(connection, logger ? { logger } : {});
}

describe('createKafkajsClient against an unreachable broker', () => {
  it('fails fast with the message every entry point shows, from admin, producer and consumer', async () => {
    const lines: string[] = [];
    const client = await unreachableClient((_level, message) => lines.push(message));
    const expected =
      'Cannot reach Kafka broker 127.0.0.1:9 (profile "default"): connection refused. Is the broker running? Start a local one with npm run kafka:start.';
    const started = Date.now();
    await expect(client.admin()).rejects.toThrow(expected);
    await expect(client.producer()).rejects.toThrow(expected);
    const consumer = client.assignedConsumer({ partitions: [{ topic: 't', partition: 0, start: 'earliest' }] });
    await expect(consumer.start(() => Promise.resolve())).rejects.toThrow(expected);
    expect(Date.now() - started).toBeLessThan(15_000);
    await client.close();
    // kafkajs's own lines went to our logger, and the password never did.
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('refuses work once closed', async () => {
    const client = await unreachableClient();
    await client.close();
    const error = await client.admin().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaClientError);
    expect((error as KafkaClientError).code).toBe('closed');
  });
});
