import { MarkerType, type Edge } from '@xyflow/react';
import type { DagGraphDto, ProblemDto } from '../../src/protocol/dagGraphDto';
import { layoutTasks } from './layoutTasks';
import type { TaskFlowNode } from './TaskNode';

export interface LinkEdgeData extends Record<string, unknown> {
  problems: string[];
}

export type LinkEdge = Edge<LinkEdgeData>;

/** The id of the edge for `target` waiting for `source`. */
export function linkId(source: string, target: string): string {
  return `${source}->${target}`;
}

/**
 * React Flow's nodes and edges for a DAG: one node per task, one edge per upstream link, each
 * carrying the messages of the problems about it (a task's own problems; for an edge, those about
 * its `upstream` entry, such as the link that closes a cycle).
 */
export function toFlowElements(
  graph: DagGraphDto,
  problems: readonly ProblemDto[],
  operatorTitles: ReadonlyMap<string, string>,
): { nodes: TaskFlowNode[]; edges: LinkEdge[] } {
  const positions = layoutTasks(graph.tasks);
  const ids = new Set(graph.tasks.map((t) => t.taskId));
  const taskProblems = new Map<string, string[]>();
  const linkProblems = new Map<string, string[]>();
  for (const problem of problems) {
    if (problem.link) {
      const key = linkId(problem.link.source, problem.link.target);
      linkProblems.set(key, [...(linkProblems.get(key) ?? []), problem.message]);
    }
    if (problem.taskId) taskProblems.set(problem.taskId, [...(taskProblems.get(problem.taskId) ?? []), problem.message]);
  }

  const nodes: TaskFlowNode[] = graph.tasks.map((task) => ({
    id: task.taskId,
    type: 'task',
    position: positions.get(task.taskId) ?? { x: 0, y: 0 },
    ariaLabel: `Task ${task.taskId}, ${task.operator}`,
    data: {
      taskId: task.taskId,
      operator: task.operator,
      operatorTitle: operatorTitles.get(task.operator) ?? task.operator,
      problems: taskProblems.get(task.taskId) ?? [],
      ...(task.preview === undefined ? {} : { preview: task.preview }),
    },
  }));
  const edges: LinkEdge[] = graph.tasks.flatMap((task) =>
    [...new Set(task.upstream)]
      .filter((parent) => ids.has(parent) && parent !== task.taskId)
      .map((parent) => {
        const id = linkId(parent, task.taskId);
        const messages = linkProblems.get(id) ?? [];
        return {
          id,
          source: parent,
          target: task.taskId,
          // LinkEdgeView: a bezier link that animates while its target runs.
          type: 'link',
          markerEnd: { type: MarkerType.ArrowClosed },
          ariaLabel: `${task.taskId} runs after ${parent}${messages.length > 0 ? `: ${messages.join(' ')}` : ''}`,
          data: { problems: messages },
          ...(messages.length > 0 ? { className: 'has-problems' } : {}),
        };
      }),
  );
  return { nodes, edges };
}

/** `merged` itself, or `previous` when it holds the very same objects: React Flow then gets no update at all. */
function unlessUnchanged<T>(previous: readonly T[], merged: T[]): T[] {
  return merged.length === previous.length && merged.every((item, i) => item === previous[i]) ? (previous as T[]) : merged;
}

/**
 * The next nodes for React Flow, keeping what it measured and what the user is doing: a node
 * being dragged stays under the pointer, selection survives a document update, and unchanged
 * nodes keep their object so that React skips them (a 1,000-node canvas re-renders only what
 * changed); with nothing changed, the previous array itself (every new array is a store update
 * in React Flow that runs every node's and edge's selectors).
 */
export function mergeNodes(
  previous: readonly TaskFlowNode[],
  next: readonly TaskFlowNode[],
  selected: ReadonlySet<string>,
): TaskFlowNode[] {
  const byId = new Map(previous.map((node) => [node.id, node]));
  const merged = next.map((node) => {
    const old = byId.get(node.id);
    const isSelected = selected.has(node.id);
    if (!old) return { ...node, selected: isSelected };
    const position = old.dragging ? old.position : node.position;
    if (
      old.position.x === position.x &&
      old.position.y === position.y &&
      (old.selected ?? false) === isSelected &&
      old.ariaLabel === node.ariaLabel &&
      sameData(old.data, node.data)
    ) {
      return old;
    }
    return {
      ...node,
      position,
      selected: isSelected,
      ...(old.measured ? { measured: old.measured } : {}),
      ...(old.dragging ? { dragging: true } : {}),
    };
  });
  return unlessUnchanged(previous, merged);
}

/** The same for edges: selection survives, unchanged edges keep their object (and an unchanged list its array). */
export function mergeEdges(previous: readonly LinkEdge[], next: readonly LinkEdge[], selected: ReadonlySet<string>): LinkEdge[] {
  const byId = new Map(previous.map((edge) => [edge.id, edge]));
  const merged = next.map((edge) => {
    const old = byId.get(edge.id);
    const isSelected = selected.has(edge.id);
    if (old && (old.selected ?? false) === isSelected && old.className === edge.className && old.ariaLabel === edge.ariaLabel) return old;
    return { ...edge, selected: isSelected };
  });
  return unlessUnchanged(previous, merged);
}

function sameData(a: TaskFlowNode['data'], b: TaskFlowNode['data']): boolean {
  return (
    a.taskId === b.taskId &&
    a.operator === b.operator &&
    a.operatorTitle === b.operatorTitle &&
    a.preview === b.preview &&
    a.run === b.run &&
    a.problems.length === b.problems.length &&
    a.problems.every((message, i) => message === b.problems[i])
  );
}
