export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * Where a Kafka client's own diagnostics go (connection retries, rebalances). Client libraries
 * log loudly, often about failures they recover from; the adapter hands their lines here, with
 * secrets removed, and each caller decides what to show: the CLI only with --verbose, operators
 * warnings and errors in the try's log. Failures that matter reach the caller as errors anyway.
 */
export type KafkaLogger = (level: KafkaLogLevel, message: string) => void;

/** Drops everything: the default, so that a library never writes to the console by itself. */
export const silentKafkaLogger: KafkaLogger = () => undefined;
