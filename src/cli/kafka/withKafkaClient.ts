import type { Command } from 'commander';
import { DEFAULT_KAFKA_PROFILE } from '../../core/kafka/KafkaConnectionProfile';
import type { KafkaClient } from '../../core/kafka/KafkaClient';
import type { KafkaLogger } from '../../core/kafka/KafkaLogger';
import { environmentKafkaClientFactory } from '../../core/kafka/openKafkaClient';
import { err } from '../commands/cliOutput';

/** The options every `dagstream kafka` command takes to reach a cluster. */
export interface KafkaConnectionCliOptions {
  brokers?: string;
  profile: string;
  clientId?: string;
  verbose?: boolean;
}

export function addKafkaConnectionOptions(command: Command): Command {
  return command
    .option('-b, --brokers <host:port,...>', 'bootstrap servers (default: $DAGSTREAM_KAFKA_BROKERS)')
    .option(
      '--profile <name>',
      'connection profile, read from DAGSTREAM_KAFKA_<PROFILE>_* variables (BROKERS, SASL_MECHANISM, SASL_USERNAME, PASSWORD, TLS_CA...)',
      DEFAULT_KAFKA_PROFILE,
    )
    .option('--client-id <id>', 'client id the brokers see (default: dagstream)')
    .option('-v, --verbose', "print the Kafka client's own log lines to stderr");
}

/** Kafka client lines on stderr with --verbose, nothing otherwise: stdout stays parseable. */
function cliLogger(verbose: boolean): KafkaLogger {
  return verbose ? (level, message) => err(`[kafka ${level}] ${message}`) : () => undefined;
}

/** Opens a client for the command's profile, runs `work`, and always closes the client. */
export async function withKafkaClient<T>(
  options: KafkaConnectionCliOptions,
  work: (client: KafkaClient) => Promise<T>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<T> {
  const factory = environmentKafkaClientFactory(env, {
    ...(options.brokers === undefined ? {} : { brokers: options.brokers }),
    ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
  });
  const client = await factory(options.profile, { logger: cliLogger(options.verbose === true) });
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}
