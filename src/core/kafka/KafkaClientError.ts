/**
 * What went wrong, as a code a caller can branch on (the extension shows `unreachable` as an
 * error node with a "Start a broker" hint, the CLI exits with the message).
 */
export type KafkaErrorCode =
  | 'unreachable'
  | 'authentication'
  | 'authorization'
  | 'unknown-topic'
  | 'topic-exists'
  | 'group-active'
  | 'timeout'
  | 'invalid-request'
  | 'configuration'
  | 'message-too-large'
  | 'closed'
  | 'failed';

/**
 * A Kafka failure in a sentence that says what was being done, against which profile and broker,
 * and what to do about it. Never holds a secret: messages are built from the profile's public
 * settings and the broker's answer.
 */
/**
 * The mark `instanceof KafkaClientError` checks. The extension ships two bundles (dist/extension.js
 * and dist/extensionServices.js, loaded on first use), each with its own copy of this class, and
 * errors cross between them: a class identity check would fail across the copies, the mark does not.
 */
const KAFKA_CLIENT_ERROR: unique symbol = Symbol.for('dagstream.KafkaClientError');

export class KafkaClientError extends Error {
  override readonly name = 'KafkaClientError';
  readonly [KAFKA_CLIENT_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && KAFKA_CLIENT_ERROR in value;
  }

  constructor(
    readonly code: KafkaErrorCode,
    message: string,
    readonly profileName: string,
    /** The broker the failure is about, when one is known. */
    readonly broker: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
