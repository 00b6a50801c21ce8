import type { TaskLog } from '../executor/TaskLog';
import type { KafkaLogger } from '../kafka/KafkaLogger';

/**
 * The Kafka client's warnings and errors in the try's log (a broker restarting, a rebalance that
 * failed), so that a slow or failed task can be explained from its log; routine lines are left
 * out. Secrets are already scrubbed by the client.
 */
export function kafkaTaskLogger(log: TaskLog): KafkaLogger {
  return (level, message) => {
    if (level === 'error' || level === 'warn') log.warning(message);
  };
}
