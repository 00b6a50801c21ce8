import { assertPrerequisites, JAVA_17, MAVEN, MissingPrerequisiteError } from '../checkPrerequisites';
import { DEV_BROKER_DATA_DIR, DEV_BROKER_STATE_FILE, fromRepoRoot, readDevBrokerState, writeDevBrokerState } from './devBrokerState';
import { isKafkaBrokerProcess, startKafkaBroker } from './kafkaBroker';

/**
 * `npm run kafka:start`: makes sure a dev broker is running for this checkout and prints its
 * address. The broker keeps running after this script exits; `npm run kafka:stop` stops it.
 */
async function main(): Promise<number> {
  const stateFile = fromRepoRoot(DEV_BROKER_STATE_FILE);
  const existing = readDevBrokerState();
  if (existing && isKafkaBrokerProcess(existing.pid)) {
    console.log(`Kafka broker already running (pid ${existing.pid}, started ${existing.startedAt}).`);
    printAddress(existing.bootstrap);
    return 0;
  }
  if (existing) {
    console.log(`${stateFile} names pid ${existing.pid}, which is no longer a Kafka broker; starting a new one.`);
  }

  // Checked here as well as in startKafkaBroker so that a missing tool is the only thing printed.
  assertPrerequisites('start a Kafka broker', [JAVA_17, MAVEN]);
  const startedAt = new Date();
  console.log(`Starting a Kafka broker with its data in ${fromRepoRoot(DEV_BROKER_DATA_DIR)}/ ...`);
  const broker = await startKafkaBroker({ dataDir: DEV_BROKER_DATA_DIR });
  writeDevBrokerState({
    bootstrap: broker.bootstrap,
    pid: broker.pid,
    dataDir: broker.dataDir,
    logFile: broker.logFile,
    startedAt: startedAt.toISOString(),
  });
  const seconds = ((Date.now() - startedAt.getTime()) / 1000).toFixed(1);
  console.log(`Kafka broker ready at ${broker.bootstrap} (pid ${broker.pid}, ${seconds} s; log: ${fromRepoRoot(broker.logFile)}).`);
  printAddress(broker.bootstrap);
  return 0;
}

function printAddress(bootstrap: string): void {
  console.log(`export DAGSTREAM_KAFKA_BROKERS=${bootstrap}`);
  // Last, alone on its line, so that scripts can take it with `npm run -s kafka:start | tail -n 1`.
  console.log(bootstrap);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof MissingPrerequisiteError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    console.error(error instanceof Error ? error.message : String(error));
    console.error(
      `If the broker's data in ${fromRepoRoot(DEV_BROKER_DATA_DIR)}/ is damaged or from another Kafka version, delete that folder and run \`npm run kafka:start\` again.`,
    );
    process.exitCode = 1;
  },
);
