import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { isKafkaBrokerProcess, startKafkaBroker, stopKafkaBroker } from '../../scripts/kafka/kafkaBroker';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated `host:port` list of the broker every test in test/kafka talks to. */
    kafkaBootstrap: string;
  }
}

/**
 * Starts one real broker per test run, in a fresh data dir, and stops it by PID afterwards.
 * With DAGSTREAM_KAFKA_BROKERS set, uses that cluster instead and starts nothing.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DAGSTREAM_KAFKA_BROKERS?.trim();
  if (external) {
    project.provide('kafkaBootstrap', external);
    return async () => undefined;
  }

  const dataDir = await mkdtemp(join(tmpdir(), 'dagstream-kafka-test-'));
  const startedAt = Date.now();
  let pid: number | undefined;
  // Teardown does not run when the runner itself is killed or crashes; this last-resort hook
  // keeps the JVM from outliving it. Synchronous on purpose: 'exit' handlers cannot await.
  const killOnExit = (): void => {
    try {
      if (pid !== undefined && isKafkaBrokerProcess(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort while the runner exits; there is nobody left to report to.
    }
  };
  process.once('exit', killOnExit);
  try {
    const broker = await startKafkaBroker({ dataDir });
    pid = broker.pid;
    console.log(`Kafka broker ready at ${broker.bootstrap} (pid ${broker.pid}) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    project.provide('kafkaBootstrap', broker.bootstrap);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  return async () => {
    if (pid !== undefined) await stopKafkaBroker(pid);
    process.removeListener('exit', killOnExit);
    await rm(dataDir, { recursive: true, force: true });
  };
}
