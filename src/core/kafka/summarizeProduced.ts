import type { ProducedMessage } from './KafkaClient';

/** What was written to one partition by one send. */
export interface PartitionWrite {
  partition: number;
  count: number;
  /** Null with acks 0, where the broker does not say. */
  first_offset: number | null;
  last_offset: number | null;
}

/**
 * Per partition, how many messages a send wrote and the offsets they got: the produce
 * operator's XCom and the CLI's report. Snake case, as XComs are read from templates and Python.
 */
export function summarizeProduced(produced: readonly ProducedMessage[]): PartitionWrite[] {
  const byPartition = new Map<number, PartitionWrite>();
  for (const { partition, offset } of produced) {
    const entry = byPartition.get(partition);
    if (!entry) {
      byPartition.set(partition, { partition, count: 1, first_offset: offset, last_offset: offset });
      continue;
    }
    entry.count++;
    if (offset !== null) {
      entry.first_offset = entry.first_offset === null ? offset : Math.min(entry.first_offset, offset);
      entry.last_offset = entry.last_offset === null ? offset : Math.max(entry.last_offset, offset);
    }
  }
  return [...byPartition.values()].sort((a, b) => a.partition - b.partition);
}
