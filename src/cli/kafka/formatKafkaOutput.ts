import type {
  GroupDescription,
  GroupOffsetChange,
  GroupSummary,
  KafkaMessage,
  TopicDescription,
  TopicSummary,
} from '../../core/kafka/KafkaClient';
import type { PartitionWrite } from '../../core/kafka/summarizeProduced';
import { formatTable } from './formatTable';

/** Human output of `dagstream kafka ...`; `--json` prints the same data as JSON instead. */

export function formatTopicList(topics: readonly TopicSummary[]): string {
  if (topics.length === 0) return 'No topics. Create one with `dagstream kafka topics create <name> --partitions 3`.';
  return formatTable(
    ['TOPIC', 'PARTITIONS', 'REPLICATION'],
    topics.map((t) => [t.name, String(t.partitionCount), String(t.replicationFactor)]),
  );
}

export function formatTopicDescription(topic: TopicDescription, allConfigs: boolean): string {
  const messages = topic.partitions.reduce((sum, p) => sum + (p.high - p.low), 0);
  const partitions = formatTable(
    ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOW', 'HIGH', 'MESSAGES'],
    topic.partitions.map((p) => [
      String(p.partition),
      p.leader < 0 ? 'none' : String(p.leader),
      p.replicas.join(','),
      p.isr.join(','),
      String(p.low),
      String(p.high),
      String(p.high - p.low),
    ]),
  );
  const configs = topic.configs.filter((c) => allConfigs || !c.isDefault);
  const configText =
    configs.length === 0
      ? 'Configs: all defaults (--all-configs lists them)'
      : `Configs${allConfigs ? '' : ' (not default; --all-configs lists all)'}:\n${formatTable(
          ['NAME', 'VALUE'],
          configs.map((c) => [c.name, c.isSensitive ? '(sensitive)' : (c.value ?? '')]),
        )}`;
  return [
    `Topic ${topic.name}: ${topic.partitions.length} partition(s), replication ${topic.partitions[0]?.replicas.length ?? 0}, ${messages} message(s) retained`,
    partitions,
    '',
    configText,
  ].join('\n');
}

export function formatGroupList(groups: readonly GroupSummary[]): string {
  if (groups.length === 0) return 'No consumer groups.';
  return formatTable(
    ['GROUP', 'STATE', 'MEMBERS', 'PROTOCOL'],
    groups.map((g) => [g.groupId, g.state, String(g.memberCount), g.protocolType]),
  );
}

export function formatGroupDescription(group: GroupDescription): string {
  const head = `Consumer group ${group.groupId}: ${group.state}, ${group.members.length} member(s), total lag ${group.totalLag}`;
  const members =
    group.members.length === 0
      ? 'No active members.'
      : formatTable(
          ['MEMBER', 'CLIENT', 'HOST', 'ASSIGNED'],
          group.members.map((m) => [
            m.memberId,
            m.clientId,
            m.host.replace(/^\//, ''),
            m.assignment.map((tp) => `${tp.topic}:${tp.partition}`).join(',') || '-',
          ]),
        );
  const offsets =
    group.offsets.length === 0
      ? 'No committed offsets.'
      : formatTable(
          ['TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'MEMBER'],
          group.offsets.map((o) => [
            o.topic,
            String(o.partition),
            o.committedOffset === null ? '-' : String(o.committedOffset),
            String(o.endOffset),
            o.lag === null ? '-' : String(o.lag),
            o.memberId ?? '-',
          ]),
        );
  return [head, members, '', offsets].join('\n');
}

export function formatOffsetChanges(groupId: string, changes: readonly GroupOffsetChange[], dryRun: boolean): string {
  const table = formatTable(
    ['TOPIC', 'PARTITION', 'FROM', 'TO'],
    changes.map((c) => [c.topic, String(c.partition), c.previousOffset === null ? '-' : String(c.previousOffset), String(c.newOffset)]),
  );
  return `${dryRun ? 'Would reset' : 'Reset'} the offsets of consumer group ${groupId}${dryRun ? ' (dry run, nothing committed)' : ''}:\n${table}`;
}

export function formatProduced(topic: string, writes: readonly PartitionWrite[]): string {
  const count = writes.reduce((sum, w) => sum + w.count, 0);
  const parts = writes.map((w) =>
    w.first_offset === null
      ? `partition ${w.partition}: ${w.count}`
      : `partition ${w.partition}: ${w.first_offset === w.last_offset ? `offset ${w.first_offset}` : `offsets ${w.first_offset}-${w.last_offset}`}`,
  );
  return `Produced ${count} message(s) to ${topic} (${parts.join('; ')})`;
}

/** One line per message: `partition/offset  time  key  value  [headers]`. */
export function formatMessageLine(message: KafkaMessage): string {
  const key = message.key === null ? '-' : oneLine(message.key.toString('utf8'));
  const value = message.value === null ? '(null)' : oneLine(message.value.toString('utf8'));
  const headers = message.headers.map((h) => `${h.key}=${oneLine(h.value.toString('utf8'))}`).join(' ');
  return `${message.partition}/${message.offset}  ${new Date(message.timestamp).toISOString()}  ${key}  ${value}${headers ? `  [${headers}]` : ''}`;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}
