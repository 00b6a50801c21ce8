import type { CanvasPoint } from '../../protocol/dagEditDto';
import type { JsonObject, JsonValue } from '../../protocol/jsonValue';
import type { JsonTextEditor } from './JsonTextEditor';
import { taskIdStemFor, uniqueTaskId } from './uniqueTaskId';

/** How far a duplicate or a paste without a drop point lands from its original, in canvas units. */
export const COPY_OFFSET = 40;

/**
 * Appends copies of `tasks` to the DAG and returns their ids. Each copy keeps its id when it is
 * free (pasting into another DAG) or gets the next free one (`load` -> `load_1`). Links between
 * copies follow the copies; links to tasks of this DAG are kept (a duplicate runs after the same
 * tasks as its original); links to tasks that do not exist here are dropped. The group keeps its
 * shape and moves to `target` (its top-left node there) or by COPY_OFFSET.
 */
export function insertTaskCopies(
  editor: JsonTextEditor,
  tasks: readonly JsonObject[],
  existingIds: ReadonlySet<string>,
  target?: CanvasPoint,
): string[] {
  const taken = new Set(existingIds);
  const renamed = new Map<string, string>();
  const newIds = tasks.map((task) => {
    const original = typeof task.task_id === 'string' && task.task_id.trim() !== '' ? task.task_id : undefined;
    const id = uniqueTaskId(original ?? taskIdStemFor(String(task.operator)), taken, original === undefined);
    taken.add(id);
    if (original !== undefined && !renamed.has(original)) renamed.set(original, id);
    return id;
  });

  const positions = tasks.map((task) => positionOf(task.position)).filter((p): p is CanvasPoint => p !== undefined);
  const origin =
    positions.length > 0 ? { x: Math.min(...positions.map((p) => p.x)), y: Math.min(...positions.map((p) => p.y)) } : { x: 0, y: 0 };
  const shift = target ? { x: target.x - origin.x, y: target.y - origin.y } : { x: COPY_OFFSET, y: COPY_OFFSET };

  tasks.forEach((task, i) => {
    // task_id first when the original had none, as in any task Dagstream writes.
    const copy: JsonObject = 'task_id' in task ? {} : { task_id: newIds[i]! };
    for (const [key, value] of Object.entries(task)) {
      if (key === 'task_id') copy.task_id = newIds[i]!;
      else if (key === 'upstream') copy.upstream = remapUpstream(value, renamed, existingIds);
      else if (key === 'position') {
        const position = positionOf(value);
        copy.position = position ? { x: Math.round(position.x + shift.x), y: Math.round(position.y + shift.y) } : value;
      } else copy[key] = value;
    }
    editor.append(['tasks'], copy);
  });
  return newIds;
}

function remapUpstream(value: JsonValue, renamed: ReadonlyMap<string, string>, existingIds: ReadonlySet<string>): JsonValue {
  if (!Array.isArray(value)) return value;
  const result: string[] = [];
  for (const entry of value) {
    if (typeof entry !== 'string') continue;
    const id = renamed.get(entry) ?? (existingIds.has(entry) ? entry : undefined);
    if (id !== undefined && !result.includes(id)) result.push(id);
  }
  return result;
}

function positionOf(value: JsonValue | undefined): CanvasPoint | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { x, y } = value;
  return typeof x === 'number' && typeof y === 'number' ? { x, y } : undefined;
}
