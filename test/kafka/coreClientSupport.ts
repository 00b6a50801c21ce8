import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { KafkaClient } from '../../src/core/kafka/KafkaClient';
import type { KafkaLogger } from '../../src/core/kafka/KafkaLogger';
import { createKafkaClient } from '../../src/core/kafka/openKafkaClient';
import { uniqueName } from './kafkaTestSupport';

export const REPO_ROOT = join(__dirname, '..', '..');

/** The run's broker as the `default` profile, through the product's own client. */
export function testBrokers(): string[] {
  return inject('kafkaBootstrap')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

/** Client lines that are warnings or errors are printed: in a test they usually explain a failure. */
const printWarnings: KafkaLogger = (level, message) => {
  if (level === 'error' || level === 'warn') console.warn(`[kafka ${level}] ${message}`);
};

export function openTestClient(brokers: readonly string[] = testBrokers(), logger: KafkaLogger = printWarnings): Promise<KafkaClient> {
  return createKafkaClient(
    { name: 'default', brokers, clientId: 'dagstream-test' },
    { getSecret: () => Promise.resolve(undefined), describeLocation: () => 'nowhere' },
    { logger },
  );
}

/** Creates a fresh topic and returns its name; the returned cleanup deletes it. */
export async function createTestTopic(client: KafkaClient, partitions = 3, prefix = 'dagstream-test'): Promise<string> {
  const topic = uniqueName(prefix);
  await (await client.admin()).createTopic({ name: topic, partitions });
  return topic;
}

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, feeding `input` to stdin; killed after `timeoutMs`. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env, cwd: options.cwd ?? REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Running ${command} ${args.join(' ')}: ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** kcat, failing with its stderr when it exits non-zero. */
export async function runKcat(args: readonly string[], input?: string): Promise<string> {
  const result = await runProcess('kcat', args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`kcat ${args.join(' ')} exited with ${result.code}:\n${result.stderr}`);
  return result.stdout;
}

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts');
/** The `dagstream` CLI from source. */
const KAFKA_ENTRY = MAIN;

/** `dagstream <args>` with DAGSTREAM_KAFKA_BROKERS set to the run's broker unless `env` says otherwise. */
export function runDagstream(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; main?: boolean } = {},
): Promise<ProcessResult> {
  const env = { ...process.env, DAGSTREAM_KAFKA_BROKERS: testBrokers().join(','), ...options.env };
  return runProcess(TSX, [options.main ? MAIN : KAFKA_ENTRY, ...args], {
    env,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}
