import { describe, expect, it } from 'vitest';
import { KafkaClientError } from './KafkaClientError';
import { toKafkaClientError, type KafkaErrorContext } from './toKafkaClientError';

// Shaped like kafkajs's errors (name, type, broker, code, cause), without importing kafkajs.
function kafkajsError(name: string, message: string, fields: Record<string, unknown> = {}, cause?: unknown): Error {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  error.name = name;
  Object.assign(error, fields);
  return error;
}

const context: KafkaErrorContext = { profileName: 'default', brokers: ['127.0.0.1:9'], action: 'listing topics' };

describe('toKafkaClientError', () => {
  it('says a refused connection means the broker is not running, naming profile and broker', () => {
    const cause = kafkajsError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9', {
      broker: '127.0.0.1:9',
      code: 'ECONNREFUSED',
    });
    const error = toKafkaClientError(kafkajsError('KafkaJSNumberOfRetriesExceeded', cause.message, {}, cause), context);
    expect(error).toBeInstanceOf(KafkaClientError);
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe(
      'Cannot reach Kafka broker 127.0.0.1:9 (profile "default"): connection refused. Is the broker running? Start a local one with npm run kafka:start.',
    );
    expect(error.broker).toBe('127.0.0.1:9');
  });

  it('does not suggest a local broker for a remote address, and explains DNS failures', () => {
    const remote = { ...context, brokers: ['kafka.example.com:9092'] };
    const refused = toKafkaClientError(
      kafkajsError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
      remote,
    );
    expect(refused.message).toContain('Cannot reach Kafka broker kafka.example.com:9092 (profile "default"): connection refused.');
    expect(refused.message).not.toContain('kafka:start');
    const dns = toKafkaClientError(
      kafkajsError('KafkaJSConnectionError', 'Connection error: getaddrinfo ENOTFOUND kafka.example.com'),
      remote,
    );
    expect(dns.message).toContain('the host name does not resolve (DNS)');
  });

  it('points at TLS and SASL settings when the broker closes the connection', () => {
    const error = toKafkaClientError(
      kafkajsError('KafkaJSConnectionClosedError', 'Closed connection', { broker: '10.0.0.1:9093' }),
      context,
    );
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain('Cannot reach Kafka broker 10.0.0.1:9093');
    expect(error.message).toContain("profile's TLS and SASL settings");
  });

  it('maps unknown topics, naming the topic and how to create it', () => {
    const cause = kafkajsError('KafkaJSProtocolError', 'This server does not host this topic-partition', {
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    const error = toKafkaClientError(kafkajsError('KafkaJSNumberOfRetriesExceeded', cause.message, {}, cause), {
      ...context,
      action: 'producing to topic "weather"',
      topic: 'weather',
    });
    expect(error.code).toBe('unknown-topic');
    expect(error.message).toBe(
      'Producing to topic "weather" failed (profile "default", broker 127.0.0.1:9): topic "weather" does not exist. List topics with `dagstream kafka topics list`, or create it with `dagstream kafka topics create weather`.',
    );
  });

  it('maps authentication and authorisation failures without echoing anything secret', () => {
    const auth = toKafkaClientError(
      kafkajsError(
        'KafkaJSSASLAuthenticationError',
        'SASL SCRAM SHA256 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256',
      ),
      context,
    );
    expect(auth.code).toBe('authentication');
    expect(auth.message).toContain("rejected the profile's credentials");
    expect(auth.message).toContain("Check the profile's SASL mechanism, username and password.");
    const denied = toKafkaClientError(
      kafkajsError('KafkaJSProtocolError', 'Not authorized to access topics: [Topic authorization failed.]', {
        type: 'TOPIC_AUTHORIZATION_FAILED',
      }),
      context,
    );
    expect(denied.code).toBe('authorization');
    expect(denied.message).toContain('not allowed (TOPIC_AUTHORIZATION_FAILED)');
  });

  it('maps timeouts, oversized messages and invalid requests from aggregate errors', () => {
    const timeout = toKafkaClientError(
      kafkajsError('KafkaJSRequestTimeoutError', 'Request Produce(key: 0, version: 7) timed out', { broker: '127.0.0.1:9092' }),
      context,
    );
    expect(timeout.code).toBe('timeout');
    expect(timeout.message).toContain('broker 127.0.0.1:9092');
    const tooLarge = toKafkaClientError(
      kafkajsError('KafkaJSProtocolError', 'The request included a message larger than the max message size the server will accept', {
        type: 'MESSAGE_TOO_LARGE',
      }),
      context,
    );
    expect(tooLarge.code).toBe('message-too-large');
    const aggregate = Object.assign(new Error('Topic creation errors'), {
      name: 'KafkaJSAggregateError',
      errors: [
        kafkajsError('KafkaJSCreateTopicError', 'Replication factor: 3 larger than available brokers: 1.', {
          type: 'INVALID_REPLICATION_FACTOR',
          topic: 't',
        }),
      ],
    });
    const invalid = toKafkaClientError(aggregate, { ...context, action: 'creating topic "t"' });
    expect(invalid.code).toBe('invalid-request');
    expect(invalid.message).toContain('INVALID_REPLICATION_FACTOR');
  });

  it('keeps errors that are already KafkaClientErrors, and wraps anything else as failed', () => {
    const original = new KafkaClientError('closed', 'closed', 'default', undefined);
    expect(toKafkaClientError(original, context)).toBe(original);
    const other = toKafkaClientError(new Error('something odd.'), context);
    expect(other.code).toBe('failed');
    expect(other.message).toBe('Listing topics failed (profile "default", broker 127.0.0.1:9): something odd.');
  });
});
