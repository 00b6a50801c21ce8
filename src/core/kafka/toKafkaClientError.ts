import { KafkaClientError, type KafkaErrorCode } from './KafkaClientError';

/** What was being done when a Kafka call failed, for the message. */
export interface KafkaErrorContext {
  readonly profileName: string;
  readonly brokers: readonly string[];
  /** A gerund phrase: `listing topics`, `producing to topic "weather"`. */
  readonly action: string;
  readonly topic?: string;
  readonly groupId?: string;
}

/**
 * Turns whatever a client library threw into a KafkaClientError whose message names the
 * profile and the broker and says what to do. Works on the errors' names, codes and the
 * broker's error types (Kafka's protocol names such as `UNKNOWN_TOPIC_OR_PARTITION`), so it
 * needs no import of the client library and is unit-tested with plain objects.
 */
export function toKafkaClientError(error: unknown, context: KafkaErrorContext): KafkaClientError {
  if (error instanceof KafkaClientError) return error;
  const chain = errorChain(error);
  const broker = chain.map((e) => stringField(e, 'broker')).find((b) => b !== undefined && b !== 'undefined:undefined');
  const where = `profile "${context.profileName}", broker ${broker ?? context.brokers.join(',')}`;
  const make = (code: KafkaErrorCode, message: string): KafkaClientError =>
    new KafkaClientError(code, message, context.profileName, broker ?? context.brokers[0], { cause: error });
  const failed = (problem: string, advice: string): string =>
    `${capitalise(context.action)} failed (${where}): ${problem}.${advice ? ` ${advice}` : ''}`;

  const connection = chain.find(isConnectionFailure);
  if (connection) {
    const address = broker ?? context.brokers[0] ?? '(no broker)';
    const reason = describeConnectionFailure(connection);
    return make(
      'unreachable',
      `Cannot reach Kafka broker ${address} (profile "${context.profileName}"): ${reason.text}. ${reason.advice ?? adviceForUnreachable(address)}`,
    );
  }

  const types = chain.map((e) => stringField(e, 'type')).filter((t): t is string => t !== undefined);
  const brokerMessage = chain.map((e) => (e instanceof Error ? e.message : '')).find((m) => m.length > 0) ?? String(error);
  const hasType = (...wanted: string[]): boolean => types.some((t) => wanted.includes(t));

  if (chain.some((e) => nameOf(e) === 'KafkaJSSASLAuthenticationError') || hasType('SASL_AUTHENTICATION_FAILED', 'ILLEGAL_SASL_STATE')) {
    return make(
      'authentication',
      failed(
        `the broker rejected the profile's credentials (${brokerMessage})`,
        "Check the profile's SASL mechanism, username and password.",
      ),
    );
  }
  if (hasType('UNSUPPORTED_SASL_MECHANISM')) {
    return make(
      'authentication',
      failed(`the broker does not accept the profile's SASL mechanism (${brokerMessage})`, 'Choose a mechanism the cluster enables.'),
    );
  }
  const authorization = types.find((t) => t.endsWith('_AUTHORIZATION_FAILED'));
  if (authorization) {
    return make(
      'authorization',
      failed(
        `not allowed (${authorization})`,
        "The profile's user lacks an ACL for this; ask the cluster's administrator, or use a profile that has it.",
      ),
    );
  }
  if (hasType('UNKNOWN_TOPIC_OR_PARTITION') || chain.some((e) => nameOf(e) === 'KafkaJSTopicMetadataNotLoaded')) {
    const topic = context.topic ?? chain.map((e) => stringField(e, 'topic')).find((t) => t !== undefined);
    return make(
      'unknown-topic',
      topic
        ? failed(
            `topic "${topic}" does not exist`,
            `List topics with \`dagstream kafka topics list\`, or create it with \`dagstream kafka topics create ${topic}\`.`,
          )
        : failed('a topic or partition does not exist', 'List topics with `dagstream kafka topics list`.'),
    );
  }
  if (hasType('TOPIC_ALREADY_EXISTS')) {
    return make(
      'topic-exists',
      failed(`topic "${context.topic ?? '?'}" already exists`, 'Choose another name, or delete the topic first.'),
    );
  }
  if (hasType('MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE')) {
    return make(
      'message-too-large',
      failed(
        'a message is larger than the topic accepts',
        "Send smaller messages, or raise the topic's max.message.bytes (and the broker's message.max.bytes).",
      ),
    );
  }
  const invalid = types.find((t) => INVALID_REQUEST_TYPES.has(t));
  if (invalid) return make('invalid-request', failed(`the broker refused it: ${brokerMessage} (${invalid})`, ''));
  if (hasType('REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION')) {
    return make(
      'group-active',
      failed(
        `the consumer group${context.groupId ? ` "${context.groupId}"` : ''} is rebalancing or has other members (${types[0]})`,
        'Retry once the group is stable.',
      ),
    );
  }
  if (chain.some(isTimeout) || hasType('REQUEST_TIMED_OUT')) {
    return make(
      'timeout',
      failed(
        `the broker did not answer in time (${brokerMessage})`,
        "The cluster may be overloaded or a partition may have no leader; retry, or raise the profile's request timeout.",
      ),
    );
  }
  return make('failed', failed(brokerMessage.replace(/\.$/, ''), ''));
}

const INVALID_REQUEST_TYPES: ReadonlySet<string> = new Set([
  'INVALID_REPLICATION_FACTOR',
  'INVALID_PARTITIONS',
  'INVALID_CONFIG',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUEST',
  'POLICY_VIOLATION',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_GROUP_ID',
  'INVALID_REQUIRED_ACKS',
  'NON_EMPTY_GROUP',
  'GROUP_ID_NOT_FOUND',
  'INVALID_PRODUCER_EPOCH',
  'OFFSET_OUT_OF_RANGE',
]);

const CONNECTION_ERROR_NAMES: ReadonlySet<string> = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSBrokerNotFound',
]);

function isConnectionFailure(error: unknown): boolean {
  const name = nameOf(error);
  if (name !== undefined && CONNECTION_ERROR_NAMES.has(name)) return true;
  const code = stringField(error, 'code');
  return code !== undefined && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ETIMEDOUT|EPIPE)$/.test(code);
}

function isTimeout(error: unknown): boolean {
  const name = nameOf(error);
  return name === 'KafkaJSRequestTimeoutError' || name === 'KafkaJSTimeout' || name === 'KafkaJSLockTimeout';
}

function describeConnectionFailure(error: unknown): { text: string; advice?: string } {
  const message = error instanceof Error ? error.message : String(error);
  const code = stringField(error, 'code') ?? /\b(E[A-Z]+|ERR_[A-Z_]+)\b/.exec(message)?.[1];
  switch (code) {
    case 'ECONNREFUSED':
      return { text: 'connection refused' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { text: 'the host name does not resolve (DNS)', advice: 'Check the bootstrap server address in the profile.' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { text: 'no route to the host', advice: 'Check the address, your network and any VPN the cluster needs.' };
    case 'ETIMEDOUT':
      return { text: 'the connection timed out' };
    case 'ECONNRESET':
    case 'EPIPE':
      return {
        text: 'the broker closed the connection',
        advice: "If the listener uses TLS or SASL, check that the profile's TLS and SASL settings match it.",
      };
  }
  if (/timeout/i.test(message)) return { text: 'the connection timed out' };
  if (/closed/i.test(message)) {
    return {
      text: 'the broker closed the connection',
      advice: "If the listener uses TLS or SASL, check that the profile's TLS and SASL settings match it.",
    };
  }
  if (/certificate|ssl|tls/i.test(message)) {
    return {
      text: `TLS failed (${message.replace(/^Connection error: /, '')})`,
      advice: "Check the profile's TLS CA, certificate and key files.",
    };
  }
  return { text: message.replace(/^Connection error: /, '').replace(/\.$/, '') };
}

function adviceForUnreachable(address: string): string {
  const host = address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const local = host === 'localhost' || host === '::1' || host.startsWith('127.');
  return local
    ? 'Is the broker running? Start a local one with npm run kafka:start.'
    : 'Is the broker running, and is the address right? Check the network and any VPN the cluster needs.';
}

/** The error, its causes and, for aggregate errors, the errors they hold. */
function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 20) {
    const current = queue.shift();
    if (current === undefined || current === null || chain.includes(current)) continue;
    chain.push(current);
    if (typeof current === 'object') {
      const record = current as { cause?: unknown; originalError?: unknown; errors?: unknown };
      queue.push(record.cause, record.originalError);
      if (Array.isArray(record.errors)) queue.push(...(record.errors as unknown[]));
    }
  }
  return chain;
}

function nameOf(error: unknown): string | undefined {
  return stringField(error, 'name');
}

function stringField(value: unknown, field: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const item = (value as Record<string, unknown>)[field];
  return typeof item === 'string' ? item : undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
