import type { TaskSpec } from '../dag/dagFile';
import { failedBeforeStart } from '../executor/failedBeforeStart';
import type { Operator, RunningTask, TaskRunContext } from '../executor/taskExecution';
import type { KafkaAdmin } from '../kafka/KafkaClient';
import { DEFAULT_KAFKA_PROFILE } from '../kafka/KafkaConnectionProfile';
import { openKafkaClient, type KafkaClientFactory } from '../kafka/openKafkaClient';
import { parseTopics, positiveNumber } from './kafkaConsumeArguments';
import { kafkaTaskLogger } from './kafkaTaskLogger';
import { runSensor, type PokeResult } from './runSensor';
import { parseSensorArguments, type SensorArguments } from './sensorArguments';
import { startInProcessTask } from './startInProcessTask';
import { TaskArguments } from './TaskArguments';

export interface KafkaSensorArguments {
  readonly profileName: string;
  readonly topics: readonly string[];
  readonly groupId: string | undefined;
  readonly minMessages: number;
  /** Set: wait until the group's lag is at most this instead (a consumer has caught up). */
  readonly maxLag: number | undefined;
  readonly sensor: SensorArguments;
}

export function parseKafkaSensorArguments(task: TaskSpec): KafkaSensorArguments {
  const args = new TaskArguments(task);
  const groupId = args.optionalString('group_id')?.trim() || undefined;
  const maxLagValue = task.max_lag;
  let maxLag: number | undefined;
  if (maxLagValue !== undefined && maxLagValue !== null) {
    if (typeof maxLagValue !== 'number' || !Number.isInteger(maxLagValue) || maxLagValue < 0) {
      throw args.error('max_lag', `must be a whole number of at least 0, got ${JSON.stringify(maxLagValue)}`);
    }
    if (groupId === undefined) throw args.error('max_lag', 'needs group_id: it is the lag of that consumer group');
    maxLag = maxLagValue;
  }
  return {
    profileName: args.optionalString('kafka_config_id')?.trim() || DEFAULT_KAFKA_PROFILE,
    topics: parseTopics(task.topics, args),
    groupId,
    minMessages: positiveNumber(task.min_messages, 'min_messages', args, true) ?? 1,
    maxLag,
    sensor: parseSensorArguments(task),
  };
}

/**
 * Messages on the topics beyond the group's committed offsets (the group's lag; a partition the
 * group never committed counts from its first retained offset), or without a group, messages
 * whose timestamp is at or after `since`.
 */
export async function countAvailableMessages(
  admin: KafkaAdmin,
  topics: readonly string[],
  groupId: string | undefined,
  since: number,
): Promise<{ total: number; perTopic: Record<string, number> }> {
  const perTopic: Record<string, number> = {};
  for (const topic of topics) {
    const offsets = await admin.fetchOffsets(topic);
    const from =
      groupId === undefined
        ? new Map((await admin.fetchOffsetsForTimestamp(topic, since)).map((o) => [o.partition, o.offset]))
        : new Map((await admin.fetchGroupOffsets(groupId, topic)).map((o) => [o.partition, o.offset]));
    perTopic[topic] = offsets.reduce((sum, o) => sum + Math.max(0, o.high - Math.max(from.get(o.partition) ?? o.low, o.low)), 0);
  }
  return { total: Object.values(perTopic).reduce((a, b) => a + b, 0), perTopic };
}

/**
 * `sensor.kafka` (Airflow's AwaitMessageSensor, by offsets rather than by reading): succeeds once
 * at least `min_messages` messages are available (beyond `group_id`'s committed offsets, or
 * produced since the sensor's first check), or with `max_lag`, once the group's lag is at most
 * that. Its XCom: {available, per_topic}. Nothing is consumed or committed.
 */
export function createKafkaSensorOperator(openClient: KafkaClientFactory = (name, options) => openKafkaClient(name, options)): Operator {
  return {
    name: 'sensor.kafka',
    start(task: TaskSpec, context: TaskRunContext): RunningTask {
      let args: KafkaSensorArguments;
      try {
        args = parseKafkaSensorArguments(task);
      } catch (error) {
        return failedBeforeStart(context, 'sensor.kafka', error);
      }
      return startInProcessTask(context, 'sensor.kafka', async (log, signal) => {
        const since = context.rescheduledSince ? Date.parse(context.rescheduledSince) : Date.now();
        const topicsText = args.topics.map((t) => `"${t}"`).join(', ');
        const want =
          args.maxLag !== undefined
            ? `group "${args.groupId}" has a lag of at most ${args.maxLag}`
            : `${args.minMessages} message(s) are available ${args.groupId ? `beyond group "${args.groupId}"'s committed offsets` : `since ${new Date(since).toISOString()}`}`;
        log.info(`Waiting until ${want} on ${topicsText} (profile "${args.profileName}"; mode ${args.sensor.mode})`);
        const client = await openClient(args.profileName, { logger: kafkaTaskLogger(log) });
        try {
          const admin = await client.admin();
          const poke = async (): Promise<PokeResult> => {
            const { total, perTopic } = await countAvailableMessages(admin, args.topics, args.groupId, since);
            const xcom = { available: total, per_topic: perTopic };
            if (args.maxLag !== undefined) {
              return {
                met: total <= args.maxLag,
                note: `group "${args.groupId}" lag ${total} on ${topicsText}, at most ${args.maxLag} wanted`,
                xcom,
              };
            }
            return {
              met: total >= args.minMessages,
              note: `${total} message(s) available on ${topicsText}, ${args.minMessages} needed`,
              xcom,
            };
          };
          return await runSensor(poke, args.sensor, context, log, signal);
        } finally {
          await client.close();
        }
      });
    },
  };
}

export const kafkaSensorOperator: Operator = createKafkaSensorOperator();
