import type { TaskSpec } from '../dag/dagFile';
import { failedBeforeStart } from '../executor/failedBeforeStart';
import { formatDuration } from '../executor/formatDuration';
import type { Operator, RunningTask, TaskRunContext } from '../executor/taskExecution';
import { kafkaMessageToJson, type KafkaMessageJson } from '../kafka/kafkaMessageToJson';
import { openKafkaClient, type KafkaClientFactory } from '../kafka/openKafkaClient';
import { describeConsumeStart } from '../kafka/parseConsumeStart';
import { readMessages, type ReadStopReason } from '../kafka/readMessages';
import { parseKafkaConsumeArguments, type KafkaConsumeArguments } from './kafkaConsumeArguments';
import { kafkaTaskLogger } from './kafkaTaskLogger';
import { startInProcessTask } from './startInProcessTask';

/**
 * XComs live in the metadata database, which is kept in memory; beyond this many bytes of keys,
 * values and headers the read stops (and, with a group, commits only what the XCom holds, so
 * the next run continues from there).
 */
export const CONSUME_XCOM_BYTE_CAP = 16 * 1024 * 1024;

const PROGRESS_INTERVAL_MS = 1000;

const STOP_REASONS: Readonly<Record<ReadStopReason, string>> = {
  'max-messages': 'max_messages reached',
  'max-time': 'max_seconds reached',
  end: 'caught up with the end offsets seen at the start',
  caller: `the XCom size cap (${CONSUME_XCOM_BYTE_CAP / 1024 / 1024} MiB) reached`,
  aborted: 'stopped',
};

/**
 * `kafka.consume` (Airflow's ConsumeFromTopicOperator): reads messages from topics until a stop
 * condition and returns them as its XCom, a list of {topic, partition, offset, timestamp, key,
 * value, headers}. With a `group_id` it reads from the group's committed offsets and commits
 * what it returned once the read succeeded, so the next run continues there; without one it
 * reads from `start` every time. A kill or an execution timeout commits nothing.
 */
export function createKafkaConsumeOperator(openClient: KafkaClientFactory = (name, options) => openKafkaClient(name, options)): Operator {
  return {
    name: 'kafka.consume',
    start(task: TaskSpec, context: TaskRunContext): RunningTask {
      let args: KafkaConsumeArguments;
      try {
        args = parseKafkaConsumeArguments(task);
      } catch (error) {
        return failedBeforeStart(context, 'kafka.consume', error);
      }
      return startInProcessTask(context, 'kafka.consume', async (log, signal) => {
        const { topics, groupId, start, maxMessages, maxMs, stopAtEnd, deserializer, profileName } = args;
        log.info(
          `Reading ${topics.map((t) => `"${t}"`).join(', ')} (profile "${profileName}")${groupId ? ` as consumer group "${groupId}", from its committed offsets or` : ', from'} ${describeConsumeStart(start)}; ` +
            `stops after ${maxMessages} message(s), ${formatDuration(maxMs)}${stopAtEnd ? ' or at the end offsets seen at the start' : ''}`,
        );
        const client = await openClient(profileName, { logger: kafkaTaskLogger(log) });
        try {
          const started = performance.now();
          const messages: KafkaMessageJson[] = [];
          let bytes = 0;
          // Progress for the canvas, about once a second: how many, how fast, where each partition is.
          const next: Record<string, number> = {};
          let reported = { at: started, count: 0 };
          const progress = context.reportProgress
            ? setInterval(() => {
                const now = performance.now();
                const rate = ((messages.length - reported.count) * 1000) / Math.max(1, now - reported.at);
                reported = { at: now, count: messages.length };
                context.reportProgress?.({
                  messages: messages.length,
                  messagesPerSecond: Math.round(rate * 10) / 10,
                  offsets: { ...next },
                });
              }, PROGRESS_INTERVAL_MS)
            : undefined;
          const result = await readMessages(client, {
            topics,
            ...(groupId === undefined ? {} : { groupId }),
            start,
            maxMessages,
            maxMs,
            stopAtEnd,
            commit: 'end',
            signal,
            onMessage: (message, stop) => {
              messages.push(kafkaMessageToJson(message, deserializer));
              next[`${message.topic}/${message.partition}`] = message.offset + 1;
              bytes +=
                (message.key?.length ?? 0) +
                (message.value?.length ?? 0) +
                message.headers.reduce((sum, h) => sum + h.key.length + h.value.length, 0);
              if (bytes >= CONSUME_XCOM_BYTE_CAP) stop();
            },
          }).finally(() => clearInterval(progress));
          context.reportProgress?.({ messages: messages.length, offsets: { ...next } });
          if (signal.aborted) return { state: 'failed', error: 'stopped' }; // the kill's reason is the outcome
          const ranges = new Map<string, { first: number; last: number; count: number }>();
          for (const m of messages) {
            const key = `${m.topic}[${m.partition}]`;
            const range = ranges.get(key);
            if (range) {
              range.last = m.offset;
              range.count++;
            } else ranges.set(key, { first: m.offset, last: m.offset, count: 1 });
          }
          const read = [...ranges]
            .map(([key, r]) => `${key} ${r.first === r.last ? `offset ${r.first}` : `offsets ${r.first}-${r.last}`}`)
            .join(', ');
          log.info(
            `Read ${result.count} message(s) in ${formatDuration(performance.now() - started)}${read ? `: ${read}` : ''}; ${STOP_REASONS[result.stoppedBy]}`,
          );
          if (result.stoppedBy === 'caller')
            log.warning(
              `Stopped at the XCom size cap after ${result.count} message(s); lower max_messages, or use kafka.sink for bulk loads`,
            );
          if (result.committed.length > 0) {
            log.info(
              `Committed offsets of group "${groupId}": ${result.committed.map((c) => `${c.topic}[${c.partition}]=${c.offset}`).join(', ')}`,
            );
          }
          return { state: 'success', xcom: messages, message: `${result.count} message(s); ${STOP_REASONS[result.stoppedBy]}` };
        } finally {
          await client.close();
        }
      });
    },
  };
}

export const kafkaConsumeOperator: Operator = createKafkaConsumeOperator();
