import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Acks, Compression, ConsumeStart } from '../../core/kafka/KafkaClient';
import { kafkaMessageToJson } from '../../core/kafka/kafkaMessageToJson';
import { describeConsumeStart, parseConsumeStart } from '../../core/kafka/parseConsumeStart';
import { readMessages, type ReadStopReason } from '../../core/kafka/readMessages';
import { summarizeProduced } from '../../core/kafka/summarizeProduced';
import { collect } from '../parseParamArgs';
import {
  formatGroupDescription,
  formatGroupList,
  formatMessageLine,
  formatOffsetChanges,
  formatProduced,
  formatTopicDescription,
  formatTopicList,
} from '../kafka/formatKafkaOutput';
import { parseIntegerOption, parseKeyValueArgs } from '../kafka/parseKeyValueArgs';
import { readProduceInput } from '../kafka/readProduceInput';
import { addKafkaConnectionOptions, withKafkaClient, type KafkaConnectionCliOptions } from '../kafka/withKafkaClient';
import { err, out } from './cliOutput';

interface JsonOption {
  json?: boolean;
}

/**
 * `dagstream kafka topics|produce|consume|groups`: Kafka's own CLI tools in one command, with the
 * connection from --brokers or DAGSTREAM_KAFKA_BROKERS (or a named --profile). Tables for people
 * by default, `--json` for scripts; progress and summaries go to stderr so that stdout stays
 * what a pipe wants.
 */
export function registerKafkaCommands(program: Command): void {
  const kafka = program
    .command('kafka')
    .description('Kafka topics, messages and consumer groups (brokers from --brokers or DAGSTREAM_KAFKA_BROKERS)');

  const topics = kafka.command('topics').description('list, create, describe and delete topics');
  addKafkaConnectionOptions(topics.command('list').description('list topics with their partition counts'))
    .option('--all', "include Kafka's internal topics (__consumer_offsets...)")
    .option('--json', 'print a JSON array')
    .action(async (options: KafkaConnectionCliOptions & JsonOption & { all?: boolean }) => {
      const list = await withKafkaClient(options, async (client) =>
        (await client.admin()).listTopics({ includeInternal: options.all === true }),
      );
      out(options.json ? JSON.stringify(list) : formatTopicList(list));
    });

  addKafkaConnectionOptions(topics.command('create').description('create a topic').argument('<topic>'))
    .option('-p, --partitions <n>', 'number of partitions', parseIntegerOption('--partitions', 1), 1)
    .option('-r, --replication-factor <n>', 'replicas of each partition', parseIntegerOption('--replication-factor', 1), 1)
    .option('-c, --config <name=value>', 'topic config, e.g. retention.ms=86400000 (repeatable)', collect, [])
    .option('--json', 'print the new topic as JSON')
    .action(
      async (
        topic: string,
        options: KafkaConnectionCliOptions & JsonOption & { partitions: number; replicationFactor: number; config: string[] },
      ) => {
        const configs = Object.fromEntries(parseKeyValueArgs('--config', options.config));
        await withKafkaClient(options, async (client) => {
          const admin = await client.admin();
          await admin.createTopic({ name: topic, partitions: options.partitions, replicationFactor: options.replicationFactor, configs });
          if (options.json)
            out(JSON.stringify({ name: topic, partitions: options.partitions, replication_factor: options.replicationFactor, configs }));
          else out(`Created topic ${topic} with ${options.partitions} partition(s), replication factor ${options.replicationFactor}.`);
        });
      },
    );

  addKafkaConnectionOptions(
    topics.command('describe').description('partitions (leader, replicas, ISR, offsets) and configs').argument('<topic>'),
  )
    .option('--all-configs', 'list every config, not only those that differ from the defaults')
    .option('--json', 'print JSON')
    .action(async (topic: string, options: KafkaConnectionCliOptions & JsonOption & { allConfigs?: boolean }) => {
      const description = await withKafkaClient(options, async (client) => (await client.admin()).describeTopic(topic));
      out(options.json ? JSON.stringify(description) : formatTopicDescription(description, options.allConfigs === true));
    });

  addKafkaConnectionOptions(topics.command('delete').description('delete topics and their messages').argument('<topics...>'))
    .option('--json', 'print the deleted topics as JSON')
    .action(async (names: string[], options: KafkaConnectionCliOptions & JsonOption) => {
      await withKafkaClient(options, async (client) => (await client.admin()).deleteTopics(names));
      out(
        options.json
          ? JSON.stringify({ deleted: names })
          : `Deleted ${names.length === 1 ? `topic ${names[0]}` : `topics ${names.join(', ')}`}.`,
      );
    });

  addKafkaConnectionOptions(
    kafka.command('produce').description('send one message (--value) or one per line of a JSON Lines file (--file)').argument('<topic>'),
  )
    .option('-k, --key <key>', 'message key (the same for every message)')
    .option('--key-field <field>', "with --file: each line's key is this field of its JSON object")
    .option('-H, --header <name=value>', 'header added to every message (repeatable)', collect, [])
    .option('--value <text>', 'the message value, sent as written')
    .option('-f, --file <path>', 'JSON Lines file, one message per line; - reads stdin')
    .option('-p, --partition <n>', "write to this partition instead of the key's", parseIntegerOption('--partition', 0))
    .option('--acks <acks>', 'all (every in-sync replica), 1 (leader) or 0 (none)', 'all')
    .option('--compression <codec>', 'none or gzip', 'none')
    .option('--json', 'print what was written as JSON')
    .action(
      async (
        topic: string,
        options: KafkaConnectionCliOptions &
          JsonOption & {
            key?: string;
            keyField?: string;
            header: string[];
            value?: string;
            file?: string;
            partition?: number;
            acks: string;
            compression: string;
          },
      ) => {
        const acks = parseAcks(options.acks);
        const compression = parseCompression(options.compression);
        const fileText = options.file === undefined ? undefined : await readInputFile(options.file);
        const messages = readProduceInput({
          ...(options.value === undefined ? {} : { value: options.value }),
          ...(fileText === undefined ? {} : { fileText, fileName: options.file === '-' ? 'stdin' : options.file! }),
          ...(options.key === undefined ? {} : { key: options.key }),
          ...(options.keyField === undefined ? {} : { keyField: options.keyField }),
          ...(options.partition === undefined ? {} : { partition: options.partition }),
          headers: parseKeyValueArgs('--header', options.header),
        });
        const started = performance.now();
        const produced = await withKafkaClient(options, async (client) => {
          const producer = await client.producer();
          return producer.send(topic, messages, { acks, compression });
        });
        const writes = summarizeProduced(produced);
        if (options.json) out(JSON.stringify({ topic, count: produced.length, partitions: writes }));
        else out(formatProduced(topic, writes));
        if (produced.length > 1) err(`${produced.length} messages in ${((performance.now() - started) / 1000).toFixed(2)} s`);
      },
    );

  addKafkaConnectionOptions(
    kafka.command('consume').description('read messages; stops at the end offsets seen at the start unless --follow').argument('<topic>'),
  )
    .option('-g, --group <group>', 'read as this consumer group: continue from its committed offsets, commit what was read')
    .option(
      '--from <position>',
      'earliest, latest, an offset, or a date-time (2026-11-01T06:00:00Z); with --group, only where it has no offset',
      'earliest',
    )
    .option('-p, --partition <n>', 'only this partition (repeatable; not with --group)', collectInteger('--partition'), [])
    .option('-n, --max <n>', 'stop after this many messages', parseIntegerOption('--max', 1))
    .option('--max-seconds <s>', 'stop after this many seconds', parseSeconds)
    .option('-F, --follow', 'keep reading new messages until Ctrl-C (or --max, --max-seconds)')
    .option('--no-commit', 'with --group: read without committing offsets')
    .option('--json', 'print one JSON object per message: topic, partition, offset, timestamp, key, value, headers')
    .action(
      async (
        topic: string,
        options: KafkaConnectionCliOptions &
          JsonOption & {
            group?: string;
            from: string;
            partition: number[];
            max?: number;
            maxSeconds?: number;
            follow?: boolean;
            commit: boolean;
          },
      ) => {
        const start = toStart('--from', options.from);
        const abort = new AbortController();
        const onSignal = (): void => abort.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const result = await withKafkaClient(options, (client) =>
            readMessages(client, {
              topics: [topic],
              start,
              ...(options.group === undefined ? {} : { groupId: options.group }),
              ...(options.partition.length > 0 ? { partitions: options.partition } : {}),
              ...(options.max === undefined ? {} : { maxMessages: options.max }),
              ...(options.maxSeconds === undefined ? {} : { maxMs: options.maxSeconds * 1000 }),
              stopAtEnd: options.follow !== true,
              commit: !options.commit ? 'never' : options.follow ? 'batch' : 'end',
              signal: abort.signal,
              onMessage: (message) =>
                out(options.json ? JSON.stringify(kafkaMessageToJson(message, 'string')) : formatMessageLine(message)),
            }),
          );
          const committed = result.committed.map((c) => `${c.partition}=${c.offset}`).join(', ');
          err(
            `Read ${result.count} message(s) from ${topic} starting at ${describeConsumeStart(start)}${options.group ? ` as group ${options.group}` : ''}: ${STOP_REASONS[result.stoppedBy]}` +
              (committed ? `; committed offsets ${committed}` : ''),
          );
        } finally {
          process.removeListener('SIGINT', onSignal);
          process.removeListener('SIGTERM', onSignal);
        }
      },
    );

  const groups = kafka.command('groups').description('list, describe and reset consumer groups');
  addKafkaConnectionOptions(groups.command('list').description('consumer groups with their state and member count'))
    .option('--json', 'print a JSON array')
    .action(async (options: KafkaConnectionCliOptions & JsonOption) => {
      const list = await withKafkaClient(options, async (client) => (await client.admin()).listGroups());
      out(options.json ? JSON.stringify(list) : formatGroupList(list));
    });

  addKafkaConnectionOptions(groups.command('describe').description('members, committed offsets, end offsets and lag').argument('<group>'))
    .option('--json', 'print JSON')
    .action(async (groupId: string, options: KafkaConnectionCliOptions & JsonOption) => {
      const description = await withKafkaClient(options, async (client) => (await client.admin()).describeGroup(groupId));
      out(options.json ? JSON.stringify(description) : formatGroupDescription(description));
    });

  addKafkaConnectionOptions(
    groups
      .command('reset')
      .description("move a group's committed offsets on a topic (refused while the group has members)")
      .argument('<group>'),
  )
    .requiredOption('-t, --topic <topic>', 'the topic whose offsets to reset')
    .requiredOption('--to <position>', 'earliest, latest, an offset, or a date-time (2026-11-01T06:00:00Z)')
    .option('-p, --partition <n>', 'only this partition (repeatable); default all', collectInteger('--partition'), [])
    .option('--dry-run', 'show the new offsets without committing them')
    .option('--json', 'print the changes as JSON')
    .action(
      async (
        groupId: string,
        options: KafkaConnectionCliOptions & JsonOption & { topic: string; to: string; partition: number[]; dryRun?: boolean },
      ) => {
        const to = toStart('--to', options.to);
        const changes = await withKafkaClient(options, async (client) =>
          (await client.admin()).resetGroupOffsets({
            groupId,
            topic: options.topic,
            to,
            ...(options.partition.length > 0 ? { partitions: options.partition } : {}),
            dryRun: options.dryRun === true,
          }),
        );
        out(
          options.json
            ? JSON.stringify({ group: groupId, dry_run: options.dryRun === true, changes })
            : formatOffsetChanges(groupId, changes, options.dryRun === true),
        );
      },
    );
}

const STOP_REASONS: Readonly<Record<ReadStopReason, string>> = {
  'max-messages': 'stopped at --max',
  'max-time': 'stopped at --max-seconds',
  end: 'caught up with the end offsets seen at the start',
  caller: 'stopped',
  aborted: 'stopped',
};

function toStart(option: string, value: string): ConsumeStart {
  const parsed = parseConsumeStart(value);
  if ('error' in parsed) throw new Error(`Invalid ${option}: ${parsed.error}.`);
  return parsed.start;
}

function parseAcks(value: string): Acks {
  switch (value.trim().toLowerCase()) {
    case 'all':
    case '-1':
      return -1;
    case '1':
      return 1;
    case '0':
      return 0;
    default:
      throw new Error(`Invalid --acks "${value}": use all (every in-sync replica), 1 (the leader) or 0 (none).`);
  }
}

function parseCompression(value: string): Compression {
  const codec = value.trim().toLowerCase();
  if (codec === 'none' || codec === 'gzip') return codec;
  throw new Error(`Invalid --compression "${value}": use none or gzip (other codecs need native packages and are not offered).`);
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`Invalid --max-seconds "${value}": expected a number of seconds above 0.`);
  return seconds;
}

function collectInteger(option: string): (value: string, previous: number[]) => number[] {
  const parse = parseIntegerOption(option, 0);
  return (value, previous) => [...previous, parse(value)];
}

async function readInputFile(file: string): Promise<string> {
  try {
    if (file !== '-') return await readFile(file, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    throw new Error(`Reading ${file === '-' ? 'stdin' : file}: ${(error as Error).message}.`, { cause: error });
  }
}
