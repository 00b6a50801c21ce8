import type { TaskSpec } from '../dag/dagFile';
import { failedBeforeStart } from '../executor/failedBeforeStart';
import { formatDuration } from '../executor/formatDuration';
import type { Operator, RunningTask, TaskRunContext } from '../executor/taskExecution';
import { openKafkaClient, type KafkaClientFactory } from '../kafka/openKafkaClient';
import { runKafkaSink, type SinkStopReason } from '../sink/runKafkaSink';
import { parseKafkaSinkArguments, type KafkaSinkArguments } from './kafkaSinkArguments';
import { kafkaTaskLogger } from './kafkaTaskLogger';
import { startInProcessTask } from './startInProcessTask';

const STOP_REASONS: Readonly<Record<SinkStopReason, string>> = {
  'max-messages': 'max_messages reached',
  'max-time': 'max_seconds reached',
  end: 'caught up with the end offsets seen at the start',
  aborted: 'stopped',
};

/**
 * `kafka.sink`, the DB writer: consumes topics into a SQLite table exactly once (see
 * runKafkaSink). Its XCom: {rows, dead_letters, messages, offsets: {"topic/partition": next}}.
 * The database runs in Dagstream's SQLite worker thread, which also parses and maps the events;
 * the engine's thread only reads them from Kafka.
 */
export function createKafkaSinkOperator(openClient: KafkaClientFactory = (name, options) => openKafkaClient(name, options)): Operator {
  return {
    name: 'kafka.sink',
    untemplatedArguments: ['columns'],
    start(task: TaskSpec, context: TaskRunContext): RunningTask {
      let args: KafkaSinkArguments;
      try {
        args = parseKafkaSinkArguments(task, context);
      } catch (error) {
        return failedBeforeStart(context, 'kafka.sink', error);
      }
      return startInProcessTask(context, 'kafka.sink', async (log, signal) => {
        const stops = [
          args.maxMessages === undefined ? '' : `${args.maxMessages} message(s)`,
          args.maxMs === undefined ? '' : formatDuration(args.maxMs),
          args.stopAtEnd ? 'the end offsets seen at the start' : '',
        ].filter((s) => s !== '');
        log.info(
          `Sinking ${args.topics.map((t) => `"${t}"`).join(', ')} (profile "${args.profileName}") into table "${args.table}" of ${args.database}; ` +
            `${args.batchSize} row(s) per transaction, checkpoint ${args.checkpointIntervalMs === 0 ? 'after every transaction' : `every ${formatDuration(args.checkpointIntervalMs)}`}; ` +
            `stops at ${stops.length > 0 ? stops.join(' or ') : 'cancellation only'}`,
        );
        const client = await openClient(args.profileName, { logger: kafkaTaskLogger(log) });
        try {
          const result = await runKafkaSink(client, {
            topics: args.topics,
            database: args.database,
            table: args.table,
            columns: args.columns,
            primaryKey: args.primaryKey,
            deadLetterTable: args.deadLetterTable,
            batchSize: args.batchSize,
            checkpointIntervalMs: args.checkpointIntervalMs,
            maxValueBytes: args.maxValueBytes,
            stopAtEnd: args.stopAtEnd,
            groupId: args.groupId,
            signal,
            ...(args.maxMessages === undefined ? {} : { maxMessages: args.maxMessages }),
            ...(args.maxMs === undefined ? {} : { maxMs: args.maxMs }),
            ...(context.reportProgress ? { onProgress: context.reportProgress } : {}),
            log: (level, message) => (level === 'info' ? log.info(message) : log.warning(message)),
          });
          if (signal.aborted) return { state: 'failed', error: 'stopped' };
          const offsets = Object.fromEntries(result.offsets.map((o) => [`${o.topic}/${o.partition}`, o.offset]));
          log.info(
            `Stored ${result.rows} row(s) and ${result.deadLetters} dead letter(s) from ${result.messages} message(s) in ${formatDuration(result.durationMs)}; ` +
              `offsets ${Object.entries(offsets)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')}; ${STOP_REASONS[result.stoppedBy]}`,
          );
          return {
            state: 'success',
            xcom: { messages: result.messages, rows: result.rows, dead_letters: result.deadLetters, offsets },
            message: `${result.rows} row(s), ${result.deadLetters} dead letter(s); ${STOP_REASONS[result.stoppedBy]}`,
          };
        } finally {
          await client.close();
        }
      });
    },
  };
}

export const kafkaSinkOperator: Operator = createKafkaSinkOperator();
