import * as path from 'node:path';
import type { TaskSpec } from '../dag/dagFile';
import { parseDurationMs } from '../dag/parseDuration';
import type { TaskRunContext } from '../executor/taskExecution';
import { DEFAULT_KAFKA_PROFILE } from '../kafka/KafkaConnectionProfile';
import { compileSinkColumns, type CompiledSinkColumn, type SinkColumnSpec } from '../sink/compileSinkColumns';
import type { KafkaSinkOptions } from '../sink/runKafkaSink';
import { parseTopics, positiveNumber } from './kafkaConsumeArguments';
import { TaskArguments } from './TaskArguments';

/** A `kafka.sink` task's arguments, checked, with the schema's defaults applied (the sink's own options, see runKafkaSink, and what the task adds). */
export interface KafkaSinkArguments extends Pick<
  KafkaSinkOptions,
  'topics' | 'database' | 'table' | 'columns' | 'primaryKey' | 'deadLetterTable' | 'batchSize' | 'checkpointIntervalMs' | 'maxValueBytes'
> {
  readonly profileName: string;
  readonly groupId: string;
  readonly maxMessages: number | undefined;
  readonly maxMs: number | undefined;
  readonly stopAtEnd: boolean;
}

export const DEFAULT_SINK_BATCH_SIZE = 500;
export const DEFAULT_SINK_CHECKPOINT_MS = 5000;
export const DEFAULT_SINK_MAX_VALUE_BYTES = 1024 * 1024;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads a rendered `kafka.sink` task (see the schema's kafkaSinkArguments for what each means). */
export function parseKafkaSinkArguments(
  task: TaskSpec,
  context: Pick<TaskRunContext, 'dagId' | 'taskId' | 'workspaceDir'>,
): KafkaSinkArguments {
  const args = new TaskArguments(task);
  const profileName = args.optionalString('kafka_config_id')?.trim() || DEFAULT_KAFKA_PROFILE;
  const topics = parseTopics(task.topics, args);
  const groupId = args.optionalString('group_id')?.trim() || `dagstream.${context.dagId}.${context.taskId}`;
  const database = path.resolve(context.workspaceDir, args.requiredString('database'));
  const table = identifier(args.requiredString('table'), 'table', args);
  const deadLetterTable = identifier(args.optionalString('dead_letter_table') ?? `${table}_dead_letter`, 'dead_letter_table', args);
  if (deadLetterTable === table) throw args.error('dead_letter_table', 'must differ from table');

  const rawColumns = args.optionalObject('columns');
  if (!rawColumns || Object.keys(rawColumns).length === 0) {
    throw args.error('columns', 'is required: an object of column name -> {"path": "$.field", "type": "TEXT"}');
  }
  const specs: Record<string, SinkColumnSpec> = {};
  for (const [name, spec] of Object.entries(rawColumns)) {
    identifier(name, `columns.${name}`, args);
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      throw args.error(`columns.${name}`, 'must be an object such as {"path": "$.field", "type": "TEXT"}');
    }
    const { path: columnPath, type, required } = spec as Record<string, unknown>;
    if (typeof columnPath !== 'string')
      throw args.error(`columns.${name}.path`, 'is required: "$", "$.a.b", "$key", "$partition", "$offset"...');
    if (typeof type !== 'string') throw args.error(`columns.${name}.type`, 'is required: INTEGER, REAL, TEXT or JSON');
    if (required !== undefined && typeof required !== 'boolean') throw args.error(`columns.${name}.required`, 'must be true or false');
    specs[name] = { path: columnPath, type: type.toUpperCase() as SinkColumnSpec['type'], required: required === true };
  }
  let columns: CompiledSinkColumn[];
  try {
    columns = compileSinkColumns(specs);
  } catch (error) {
    throw args.error('columns', (error as Error).message);
  }

  const rawKey = task.primary_key;
  const primaryKey = rawKey === undefined || rawKey === null ? [] : typeof rawKey === 'string' ? [rawKey] : rawKey;
  if (!Array.isArray(primaryKey) || !primaryKey.every((k): k is string => typeof k === 'string')) {
    throw args.error('primary_key', 'must be a column name or a list of column names');
  }
  const unknownKeys = primaryKey.filter((k) => !(k in specs));
  if (unknownKeys.length > 0) throw args.error('primary_key', `names ${unknownKeys.join(', ')}, which columns does not define`);

  const batchSize = positiveNumber(task.batch_size, 'batch_size', args, true) ?? DEFAULT_SINK_BATCH_SIZE;
  let checkpointIntervalMs = DEFAULT_SINK_CHECKPOINT_MS;
  if (task.checkpoint_interval !== undefined && task.checkpoint_interval !== null) {
    const parsed = parseDurationMs(task.checkpoint_interval);
    if (parsed === undefined)
      throw args.error('checkpoint_interval', 'must be a duration such as "5s" or 0 (save after every transaction)');
    checkpointIntervalMs = parsed;
  }
  const maxValueBytes = positiveNumber(task.max_value_bytes, 'max_value_bytes', args, true) ?? DEFAULT_SINK_MAX_VALUE_BYTES;
  const maxMessages = positiveNumber(task.max_messages, 'max_messages', args, true);
  const maxSeconds = positiveNumber(task.max_seconds, 'max_seconds', args, false);
  const stopAtEnd = args.optionalBoolean('stop_at_end') ?? false;
  return {
    profileName,
    topics,
    groupId,
    database,
    table,
    columns,
    primaryKey: [...new Set(primaryKey)],
    deadLetterTable,
    batchSize,
    checkpointIntervalMs,
    maxValueBytes,
    maxMessages,
    maxMs: maxSeconds === undefined ? undefined : maxSeconds * 1000,
    stopAtEnd,
  };
}

function identifier(value: string, name: string, args: TaskArguments): string {
  if (!IDENTIFIER.test(value))
    throw args.error(name, `must be a plain SQL name (letters, digits and "_", not starting with a digit), got ${JSON.stringify(value)}`);
  if (value.toLowerCase().startsWith('_dagstream') || value.toLowerCase().startsWith('sqlite_')) {
    throw args.error(name, `must not start with "_dagstream" or "sqlite_" (reserved), got ${JSON.stringify(value)}`);
  }
  return value;
}
