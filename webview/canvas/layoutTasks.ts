import dagre from '@dagrejs/dagre';
import type { TaskNodeDto } from '../../src/protocol/dagGraphDto';

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 72;

/**
 * Positions for every task: the saved one when the file has it, otherwise a layered
 * left-to-right layout (dagre) so that a hand-written DAG without positions is still readable.
 */
export function layoutTasks(tasks: readonly TaskNodeDto[]): Map<string, { x: number; y: number }> {
  const positions = new Map<string, { x: number; y: number }>();
  const unplaced = tasks.filter((t) => !t.position);
  for (const task of tasks) if (task.position) positions.set(task.taskId, task.position);
  if (unplaced.length === 0) return positions;

  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80 });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(tasks.map((t) => t.taskId));
  for (const task of tasks) graph.setNode(task.taskId, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const task of tasks) for (const parent of task.upstream) if (ids.has(parent) && parent !== task.taskId) graph.setEdge(parent, task.taskId);
  dagre.layout(graph);

  // Keep placed nodes where the user put them; shift the computed ones below them.
  const placedBottom = Math.max(-Infinity, ...[...positions.values()].map((p) => p.y + NODE_HEIGHT));
  const offsetY = Number.isFinite(placedBottom) ? placedBottom + 60 : 0;
  for (const task of unplaced) {
    const node = graph.node(task.taskId);
    positions.set(task.taskId, { x: node.x - NODE_WIDTH / 2, y: node.y - NODE_HEIGHT / 2 + offsetY });
  }
  return positions;
}
