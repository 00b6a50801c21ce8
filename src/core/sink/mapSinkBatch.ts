import type { KafkaMessage } from '../kafka/KafkaClient';
import type { SqlValue } from '../sqlite/sqliteTypes';
import { columnsReadValue, mapMessageInto, valueFieldsOf, type CompiledSinkColumn } from './compileSinkColumns';
import { PackedSinkMessages } from './packSinkMessages';

/** What the database thread needs to write a sink's batches (plain data: it crosses to the worker). */
export interface SinkTableSpec {
  readonly table: string;
  readonly columns: readonly CompiledSinkColumn[];
  readonly primaryKey: readonly string[];
  readonly deadLetterTable: string;
  /** A value above this many bytes goes to the dead-letter table. */
  readonly maxValueBytes: number;
}

/** A batch's messages mapped: rows for the table and rows for the dead-letter table. */
export interface MappedSinkBatch {
  /** The rows' values, row after row (`rows` x the number of columns). */
  readonly values: unknown[];
  readonly rows: number;
  /** topic, partition, offset, timestamp, key, value, headers (JSON), reason, failed_at. */
  readonly deadLetters: SqlValue[][];
}

/**
 * Maps a packed batch (see packSinkMessages) of one partition to the sink's rows, dead-lettering
 * the messages that cannot be rows. Runs in the database's thread, beside the inserts: the
 * consumer's thread then only reads from Kafka. Events are read straight from the batch's
 * buffer; only a dead letter is turned into a message (its raw bytes are stored).
 */
export function mapSinkBatch(
  packed: ArrayBuffer,
  topic: string,
  partition: number,
  spec: SinkTableSpec,
  failedAt: string,
): MappedSinkBatch {
  const messages = new PackedSinkMessages(packed, topic, partition);
  return mapNextSinkMessages(messages, messages.count, spec, failedAt);
}

/**
 * mapSinkBatch for the next `count` messages of a packed batch (one transaction's, when a batch
 * holds several): the cursor is left on the last one mapped.
 */
export function mapNextSinkMessages(messages: PackedSinkMessages, count: number, spec: SinkTableSpec, failedAt: string): MappedSinkBatch {
  const { columns, maxValueBytes } = spec;
  const width = columns.length;
  const readsValue = columnsReadValue(columns);
  const fields = valueFieldsOf(columns);
  const values: unknown[] = new Array<unknown>(Math.min(count, messages.count - messages.index - 1) * width);
  const deadLetters: SqlValue[][] = [];
  let rows = 0;
  for (let taken = 0; taken < count && messages.next(); taken++) {
    const reason = mapMessageInto(messages, columns, readsValue, maxValueBytes, values, rows * width, fields);
    if (reason === undefined) rows++;
    else deadLetters.push(deadLetterRow(messages.message(), reason, failedAt));
  }
  values.length = rows * width;
  return { values, rows, deadLetters };
}

function deadLetterRow(message: KafkaMessage, reason: string, failedAt: string): SqlValue[] {
  const headers =
    message.headers.length === 0 ? null : JSON.stringify(message.headers.map((h) => ({ key: h.key, value: h.value.toString('base64') })));
  return [message.topic, message.partition, message.offset, message.timestamp, message.key, message.value, headers, reason, failedAt];
}
