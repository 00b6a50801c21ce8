import { DEV_BROKER_STATE_FILE, fromRepoRoot, readDevBrokerState, removeDevBrokerState } from './devBrokerState';
import { isKafkaBrokerProcess, stopKafkaBroker } from './kafkaBroker';

/**
 * `npm run kafka:stop`: stops the dev broker that `npm run kafka:start` recorded, by its PID
 * only, and forgets it. Its data stays, so the next start brings the same topics back.
 */
async function main(): Promise<void> {
  const stateFile = fromRepoRoot(DEV_BROKER_STATE_FILE);
  const state = readDevBrokerState();
  if (!state) {
    console.log(`No dev Kafka broker recorded (${stateFile} does not exist); nothing to stop.`);
    return;
  }
  if (!isKafkaBrokerProcess(state.pid)) {
    removeDevBrokerState();
    console.log(
      `The broker recorded in ${stateFile} (pid ${state.pid}, ${state.bootstrap}) is no longer a running Kafka broker; removed the stale file.`,
    );
    return;
  }
  await stopKafkaBroker(state.pid);
  removeDevBrokerState();
  console.log(`Stopped the Kafka broker at ${state.bootstrap} (pid ${state.pid}).`);
  console.log(`Its data stays in ${fromRepoRoot(state.dataDir)}/; delete that folder for an empty cluster next time.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
