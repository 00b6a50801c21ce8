import type { DagEdit } from '../../src/protocol/dagEditDto';
import type { DagGraphDto, TaskNodeDto } from '../../src/protocol/dagGraphDto';
import type { JsonObject } from '../../src/protocol/jsonValue';

/**
 * What a gesture will do to the graph, shown at once while the host applies it to the document.
 * Only the gestures whose outcome the webview can predict are drawn ahead (moves, links,
 * deletions, renames, palette drops, field values); paste and duplicate wait for the host, which
 * picks the ids. Idempotent: the host's echo may already contain the edit when this is applied
 * on top of it, and applying it again must change nothing.
 */
export function applyOptimisticEdit(graph: DagGraphDto, edit: DagEdit): DagGraphDto {
  switch (edit.kind) {
    case 'moveTasks': {
      const moves = new Map(edit.moves.map((m) => [m.taskId, { x: Math.round(m.position.x), y: Math.round(m.position.y) }]));
      return withTasks(graph, (task) => {
        const position = moves.get(task.taskId);
        return position ? { ...task, position } : task;
      });
    }
    case 'connect':
      return withTasks(graph, (task) =>
        task.taskId === edit.target && !task.upstream.includes(edit.source) ? { ...task, upstream: [...task.upstream, edit.source] } : task,
      );
    case 'deleteElements': {
      const deleted = new Set(edit.taskIds);
      const links = new Set(edit.links.map((l) => `${l.source}\u0000${l.target}`));
      return {
        ...graph,
        tasks: graph.tasks
          .filter((task) => !deleted.has(task.taskId))
          .map((task) => {
            const upstream = task.upstream.filter((id) => !deleted.has(id) && !links.has(`${id}\u0000${task.taskId}`));
            return upstream.length === task.upstream.length ? task : { ...task, upstream };
          }),
      };
    }
    case 'renameTask': {
      if (graph.tasks.some((t) => t.taskId === edit.newTaskId)) return graph;
      return withTasks(graph, (task) => {
        const upstream = task.upstream.map((id) => (id === edit.taskId ? edit.newTaskId : id));
        if (task.taskId === edit.taskId)
          return { ...task, taskId: edit.newTaskId, upstream, values: { ...task.values, task_id: edit.newTaskId } };
        return upstream.some((id, i) => id !== task.upstream[i]) ? { ...task, upstream } : task;
      });
    }
    case 'addTask': {
      if (edit.taskId === undefined || graph.tasks.some((t) => t.taskId === edit.taskId)) return graph;
      const position = { x: Math.round(edit.position.x), y: Math.round(edit.position.y) };
      const task: TaskNodeDto = {
        taskId: edit.taskId,
        operator: edit.operator,
        upstream: [],
        position,
        values: { task_id: edit.taskId, operator: edit.operator, upstream: [], position },
      };
      return { ...graph, tasks: [...graph.tasks, task] };
    }
    case 'setTaskField': {
      const [key] = edit.path;
      if (edit.path.length !== 1 || typeof key !== 'string' || key === 'task_id' || key === 'upstream' || key === 'position') return graph;
      return withTasks(graph, (task) => {
        if (task.taskId !== edit.taskId) return task;
        const values = edit.value === undefined ? without(task.values, key) : { ...task.values, [key]: edit.value };
        return { ...task, values, ...(key === 'operator' && typeof edit.value === 'string' ? { operator: edit.value } : {}) };
      });
    }
    case 'setDagField': {
      const [key] = edit.path;
      if (edit.path.length !== 1 || typeof key !== 'string') return graph;
      const settings = edit.value === undefined ? without(graph.settings, key) : { ...graph.settings, [key]: edit.value };
      return { ...graph, settings };
    }
    default:
      return graph;
  }
}

function without(values: JsonObject, key: string): JsonObject {
  return Object.fromEntries(Object.entries(values).filter(([k]) => k !== key));
}

function withTasks(graph: DagGraphDto, update: (task: TaskNodeDto) => TaskNodeDto): DagGraphDto {
  let changed = false;
  const tasks = graph.tasks.map((task) => {
    const next = update(task);
    if (next !== task) changed = true;
    return next;
  });
  return changed ? { ...graph, tasks } : graph;
}
