import dagre from '@dagrejs/dagre';
import type { TaskNodeDto } from '../../src/protocol/dagGraphDto';
import { layoutLayered } from './layoutLayered';

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 72;
const RANK_GAP = 80;
const NODE_GAP = 40;
/** Above this many tasks dagre takes seconds (1 s at 200, 13 s at 1,000), so the fast layout takes over. */
const DAGRE_LIMIT = 150;

type Point = { x: number; y: number };

/**
 * A layered left-to-right layout of every task, as the auto-layout button writes it: sources on
 * the left, each task right of what it waits for, on whole canvas units. dagre (fewest crossings)
 * up to DAGRE_LIMIT tasks, a faster layered layout beyond.
 */
export function layoutAll(tasks: readonly Pick<TaskNodeDto, 'taskId' | 'upstream'>[]): Map<string, Point> {
  if (tasks.length > DAGRE_LIMIT)
    return layoutLayered(tasks, { nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT, rankGap: RANK_GAP, nodeGap: NODE_GAP });
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: NODE_GAP, ranksep: RANK_GAP, marginx: 0, marginy: 0 });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(tasks.map((t) => t.taskId));
  for (const task of tasks) graph.setNode(task.taskId, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const task of tasks)
    for (const parent of task.upstream) if (ids.has(parent) && parent !== task.taskId) graph.setEdge(parent, task.taskId);
  dagre.layout(graph);
  const positions = new Map<string, Point>();
  for (const task of tasks) {
    const node = graph.node(task.taskId);
    positions.set(task.taskId, { x: Math.round(node.x - NODE_WIDTH / 2), y: Math.round(node.y - NODE_HEIGHT / 2) });
  }
  return positions;
}

/**
 * Positions for every task: the saved one when the file has it, otherwise the auto-layout's, below
 * the placed nodes, so that a hand-written DAG without positions is still readable.
 */
export function layoutTasks(tasks: readonly TaskNodeDto[]): Map<string, Point> {
  const positions = new Map<string, Point>();
  const unplaced = tasks.filter((t) => !t.position);
  for (const task of tasks) if (task.position) positions.set(task.taskId, task.position);
  if (unplaced.length === 0) return positions;
  const computed = layoutAll(tasks);
  // Keep placed nodes where the user put them; shift the computed ones below them.
  const placedBottom = Math.max(-Infinity, ...[...positions.values()].map((p) => p.y + NODE_HEIGHT));
  const offsetY = Number.isFinite(placedBottom) ? placedBottom + 60 : 0;
  for (const task of unplaced) {
    const point = computed.get(task.taskId) ?? { x: 0, y: 0 };
    positions.set(task.taskId, { x: point.x, y: point.y + offsetY });
  }
  return positions;
}
