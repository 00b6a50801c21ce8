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
export class KafkaClientError extends Error {
  override readonly name = 'KafkaClientError';

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
