import type { Node } from 'jsonc-parser';
import type { JsonTextEditor } from './JsonTextEditor';

/** Where a task sits in the `tasks` list of the text, with what a gesture needs to know about it. */
export interface TaskLocation {
  /** Index in the `tasks` list of the text (not among usable tasks only). */
  index: number;
  taskId: string;
  operator: string;
  /** The string entries of its `upstream` list, with their indexes in that list. */
  upstream: { taskId: string; index: number }[];
  /** What its `upstream` key holds: a list, something else, or nothing. */
  upstreamKind: 'array' | 'other' | 'missing';
}

/**
 * The tasks of the text that have a string `task_id`, first of each id (as the validator and the
 * canvas count them), or a reason why the text has no usable `tasks` list.
 */
export function readTaskLocations(editor: JsonTextEditor): { tasks: TaskLocation[] } | { problem: string } {
  const root = editor.tree;
  if (root?.type !== 'object') return { problem: 'The file is not a JSON object with "tasks"; fix it in the text (Open as Text) first.' };
  const tasksNode = editor.nodeAt(['tasks']);
  if (tasksNode && tasksNode.type !== 'array')
    return { problem: 'The file\'s "tasks" is not a list; fix it in the text (Open as Text) first.' };
  const seen = new Set<string>();
  const tasks: TaskLocation[] = [];
  (tasksNode?.children ?? []).forEach((taskNode, index) => {
    if (taskNode.type !== 'object') return;
    const taskId = stringProperty(taskNode, 'task_id');
    if (taskId === undefined || taskId.trim() === '' || seen.has(taskId)) return;
    seen.add(taskId);
    const upstreamNode = property(taskNode, 'upstream');
    const upstream =
      upstreamNode?.type === 'array'
        ? (upstreamNode.children ?? []).flatMap((entry, i) => (entry.type === 'string' ? [{ taskId: String(entry.value), index: i }] : []))
        : [];
    tasks.push({
      index,
      taskId,
      operator: stringProperty(taskNode, 'operator') ?? '',
      upstream,
      upstreamKind: upstreamNode === undefined ? 'missing' : upstreamNode.type === 'array' ? 'array' : 'other',
    });
  });
  return { tasks };
}

function property(objectNode: Node, key: string): Node | undefined {
  return objectNode.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1];
}

function stringProperty(objectNode: Node, key: string): string | undefined {
  const node = property(objectNode, key);
  return node?.type === 'string' ? String(node.value) : undefined;
}
