import type { TaskSpec } from '../dag/dagFile';
import { failedBeforeStart } from '../executor/failedBeforeStart';
import { formatDuration } from '../executor/formatDuration';
import type { Operator, RunningTask, TaskRunContext } from '../executor/taskExecution';
import type { ProducedMessage } from '../kafka/KafkaClient';
import { openKafkaClient, type KafkaClientFactory } from '../kafka/openKafkaClient';
import { summarizeProduced, type PartitionWrite } from '../kafka/summarizeProduced';
import { parseKafkaProduceArguments, type KafkaProduceArguments } from './kafkaProduceArguments';
import { kafkaTaskLogger } from './kafkaTaskLogger';
import { startInProcessTask } from './startInProcessTask';

/** Messages per send: a kill or a timeout is noticed between sends. */
const SEND_CHUNK = 5_000;

/** The XCom of a `kafka.produce` try. */
export interface KafkaProduceXcom {
  topic: string;
  count: number;
  partitions: PartitionWrite[];
}

/**
 * `kafka.produce` (Airflow's ProduceToTopicOperator): publishes the task's messages to a topic
 * and returns how many were written to which partitions at which offsets. Runs in the engine's
 * process: it is network I/O, not user code. The connection comes from the profile named by
 * `kafka_config_id`, through `openClient` (by default the host's installed factory).
 */
export function createKafkaProduceOperator(openClient: KafkaClientFactory = (name, options) => openKafkaClient(name, options)): Operator {
  return {
    name: 'kafka.produce',
    // Rendered per message, with the message in scope (see parseKafkaProduceArguments).
    untemplatedArguments: ['key'],
    start(task: TaskSpec, context: TaskRunContext): RunningTask {
      let args: KafkaProduceArguments;
      try {
        args = parseKafkaProduceArguments(task, context.template);
      } catch (error) {
        return failedBeforeStart(context, 'kafka.produce', error);
      }
      return startInProcessTask(context, 'kafka.produce', async (log, signal) => {
        const { topic, messages, acks, compression, profileName } = args;
        if (messages.length === 0) {
          log.warning('"messages" is an empty list; nothing was sent');
          return { state: 'success', xcom: { topic, count: 0, partitions: [] } satisfies KafkaProduceXcom, message: 'no messages to send' };
        }
        log.info(
          `Producing ${messages.length} message(s) to topic "${topic}" (profile "${profileName}", acks ${acks}, compression ${compression})`,
        );
        const client = await openClient(profileName, { logger: kafkaTaskLogger(log) });
        const closeOnAbort = (): void => void client.close();
        signal.addEventListener('abort', closeOnAbort, { once: true });
        try {
          const started = performance.now();
          const producer = await client.producer();
          const produced: ProducedMessage[] = [];
          for (let offset = 0; offset < messages.length && !signal.aborted; offset += SEND_CHUNK) {
            produced.push(...(await producer.send(topic, messages.slice(offset, offset + SEND_CHUNK), { acks, compression })));
          }
          const partitions = summarizeProduced(produced);
          log.info(
            `Wrote ${produced.length} message(s) in ${formatDuration(performance.now() - started)}: ${partitions
              .map(
                (p) =>
                  `partition ${p.partition} ${
                    p.first_offset === null
                      ? `(${p.count}; acks 0 reports no offsets)`
                      : p.first_offset === p.last_offset
                        ? `offset ${p.first_offset}`
                        : `offsets ${p.first_offset}-${p.last_offset}`
                  }`,
              )
              .join(', ')}`,
          );
          const xcom: KafkaProduceXcom = { topic, count: produced.length, partitions };
          return { state: 'success', xcom, message: `${produced.length} message(s) to ${topic}` };
        } finally {
          signal.removeEventListener('abort', closeOnAbort);
          await client.close();
        }
      });
    },
  };
}

export const kafkaProduceOperator: Operator = createKafkaProduceOperator();
