import { MarkerType, type Edge } from '@xyflow/react';
import type { DagGraphDto, ProblemDto } from '../../src/protocol/dagGraphDto';
import { layoutTasks } from './layoutTasks';
import type { TaskFlowNode } from './TaskNode';

/** React Flow's nodes and edges for a DAG: one node per task, one edge per upstream link. */
export function toFlowElements(graph: DagGraphDto, problems: readonly ProblemDto[]): { nodes: TaskFlowNode[]; edges: Edge[] } {
  const positions = layoutTasks(graph.tasks);
  const ids = new Set(graph.tasks.map((t) => t.taskId));
  const problemCounts = new Map<string, number>();
  for (const problem of problems) if (problem.taskId) problemCounts.set(problem.taskId, (problemCounts.get(problem.taskId) ?? 0) + 1);

  const nodes: TaskFlowNode[] = graph.tasks.map((task) => ({
    id: task.taskId,
    type: 'task',
    position: positions.get(task.taskId) ?? { x: 0, y: 0 },
    data: {
      taskId: task.taskId,
      operator: task.operator,
      problemCount: problemCounts.get(task.taskId) ?? 0,
      ...(task.preview === undefined ? {} : { preview: task.preview }),
    },
  }));
  const edges: Edge[] = graph.tasks.flatMap((task) =>
    task.upstream
      .filter((parent) => ids.has(parent) && parent !== task.taskId)
      .map((parent) => ({
        id: `${parent}->${task.taskId}`,
        source: parent,
        target: task.taskId,
        markerEnd: { type: MarkerType.ArrowClosed },
      })),
  );
  return { nodes, edges };
}
