import { OPERATORS } from '../../core/dag/dagFile';
import { findConnectionProblem } from '../../protocol/canvasConnectionRules';
import type {
  AddTaskEdit,
  ConnectEdit,
  DagEdit,
  DeleteElementsEdit,
  MoveTasksEdit,
  RenameTaskEdit,
  SetDagFieldEdit,
  SetTaskFieldEdit,
} from '../../protocol/dagEditDto';
import type { JsonPath, JsonValue } from '../../protocol/jsonValue';
import { insertTaskCopies } from './insertTaskCopies';
import { JsonTextEditor, type KeyPlacement } from './JsonTextEditor';
import { dagKeyPlacement, taskKeyPlacement } from './keyPlacements';
import { newTaskFor } from './newTaskFor';
import { parseClipboardTasks } from './parseClipboardTasks';
import { readTaskLocations, type TaskLocation } from './readTaskLocations';
import type { TextReplacement } from './TextEditLog';
import { describeInvalidTaskId, taskIdStemFor, uniqueTaskId } from './uniqueTaskId';

export type CanvasEditResult =
  | {
      ok: true;
      /** The whole new text. */
      text: string;
      /** Disjoint replacements of the old text, in text order, that make the new one; empty when nothing changed. */
      replacements: TextReplacement[];
      /** Tasks the gesture created or renamed, for the canvas to select. */
      select: string[];
    }
  | { ok: false; reason: string };

/**
 * Turns a canvas gesture into an edit of the DAG file's text. Pure (no `vscode`), so every
 * gesture is unit-tested on text: values change in place, new keys land in Dagstream's usual
 * order, and everything the gesture does not touch (other keys, key order, indentation, line
 * endings, unknown keys) stays byte for byte. A gesture the document cannot take is refused with
 * a reason for the user rather than applied halfway.
 */
export function applyCanvasEdit(text: string, edit: DagEdit): CanvasEditResult {
  const editor = new JsonTextEditor(text);
  if (editor.syntaxErrors.length > 0) {
    return refuse('The file has JSON syntax errors; fix them in the text (Open as Text) before editing on the canvas.');
  }
  const located = readTaskLocations(editor);
  if ('problem' in located) return refuse(located.problem);
  const outcome = applyGesture(editor, located.tasks, edit);
  if (typeof outcome === 'string') return refuse(outcome);
  return { ok: true, text: editor.text, replacements: editor.replacements(), select: outcome };
}

/** The ids to select, or the reason the gesture is refused. */
type GestureOutcome = string[] | string;

function applyGesture(editor: JsonTextEditor, tasks: TaskLocation[], edit: DagEdit): GestureOutcome {
  switch (edit.kind) {
    case 'addTask':
      return addTask(editor, tasks, edit);
    case 'deleteElements':
      return deleteElements(editor, tasks, edit);
    case 'renameTask':
      return renameTask(editor, tasks, edit);
    case 'moveTasks':
      return moveTasks(editor, tasks, edit);
    case 'connect':
      return connect(editor, tasks, edit);
    case 'setTaskField':
      return setTaskField(editor, tasks, edit);
    case 'setDagField':
      return setDagField(editor, edit);
    case 'pasteTasks': {
      const parsed = parseClipboardTasks(edit.text);
      if ('problem' in parsed) return parsed.problem;
      return insertTaskCopies(editor, parsed.tasks, idsOf(tasks), edit.position);
    }
    case 'duplicateTasks': {
      const originals = edit.taskIds.flatMap((id) => {
        const task = find(tasks, id);
        const value = task ? editor.valueAt(['tasks', task.index]) : undefined;
        return value !== null && typeof value === 'object' && !Array.isArray(value) ? [value as Record<string, JsonValue>] : [];
      });
      if (originals.length === 0) return 'None of the tasks to duplicate exists any more.';
      return insertTaskCopies(editor, originals, idsOf(tasks));
    }
  }
}

function addTask(editor: JsonTextEditor, tasks: TaskLocation[], edit: AddTaskEdit): GestureOutcome {
  if (!(OPERATORS as readonly string[]).includes(edit.operator)) {
    return `Unknown operator "${edit.operator}"; choose one of ${OPERATORS.join(', ')} from the palette.`;
  }
  const taken = idsOf(tasks);
  const proposed = edit.taskId;
  const taskId =
    proposed !== undefined && describeInvalidTaskId(proposed) === undefined && !taken.has(proposed)
      ? proposed
      : uniqueTaskId(taskIdStemFor(edit.operator), taken, true);
  editor.append(['tasks'], newTaskFor(edit.operator, taskId, edit.position));
  return [taskId];
}

function deleteElements(editor: JsonTextEditor, tasks: TaskLocation[], edit: DeleteElementsEdit): GestureOutcome {
  const deleted = new Set(edit.taskIds.filter((id) => find(tasks, id)));
  const links = new Set(edit.links.map((link) => linkKey(link.source, link.target)));
  // Links first, while task indexes are still those of `tasks`; then the tasks, in one pass.
  for (const task of tasks) {
    if (deleted.has(task.taskId)) continue;
    const entries = task.upstream.filter((entry) => deleted.has(entry.taskId) || links.has(linkKey(entry.taskId, task.taskId)));
    if (entries.length > 0)
      editor.removeChildren(
        ['tasks', task.index, 'upstream'],
        entries.map((entry) => entry.index),
      );
  }
  editor.removeChildren(
    ['tasks'],
    tasks.filter((task) => deleted.has(task.taskId)).map((task) => task.index),
  );
  return [];
}

function renameTask(editor: JsonTextEditor, tasks: TaskLocation[], edit: RenameTaskEdit): GestureOutcome {
  const task = find(tasks, edit.taskId);
  if (!task) return `There is no task "${edit.taskId}" any more; it may have been renamed or deleted in the text.`;
  const newTaskId = edit.newTaskId.trim();
  if (newTaskId === edit.taskId) return [];
  const invalid = describeInvalidTaskId(newTaskId);
  if (invalid) return invalid;
  if (find(tasks, newTaskId)) return `A task "${newTaskId}" already exists in this DAG; choose another id.`;
  const references = tasks.flatMap((other) =>
    other.upstream
      .filter((entry) => entry.taskId === edit.taskId)
      .map((entry) => ({ path: ['tasks', other.index, 'upstream', entry.index], value: newTaskId })),
  );
  editor.setMany([{ path: ['tasks', task.index, 'task_id'], value: newTaskId }, ...references]);
  return [newTaskId];
}

function moveTasks(editor: JsonTextEditor, tasks: TaskLocation[], edit: MoveTasksEdit): GestureOutcome {
  const byId = new Map(tasks.map((task) => [task.taskId, task]));
  const inPlace: { path: JsonPath; value: number }[] = [];
  const added: { task: TaskLocation; x: number; y: number }[] = [];
  for (const move of edit.moves) {
    // A task deleted in the text meanwhile simply stays deleted.
    const task = byId.get(move.taskId);
    if (!task) continue;
    const x = Math.round(move.position.x);
    const y = Math.round(move.position.y);
    const path = ['tasks', task.index, 'position'];
    const current = editor.valueAt(path);
    if (isPoint(current)) {
      if (current.x !== x) inPlace.push({ path: [...path, 'x'], value: x });
      if (current.y !== y) inPlace.push({ path: [...path, 'y'], value: y });
    } else {
      added.push({ task, x, y });
    }
  }
  // Numbers replaced in place first, on one parse (an auto-layout moves every node); then new keys.
  editor.setMany(inPlace);
  for (const { task, x, y } of added) editor.set(['tasks', task.index, 'position'], { x, y }, taskKeyPlacement(task.operator));
  return [];
}

function connect(editor: JsonTextEditor, tasks: TaskLocation[], edit: ConnectEdit): GestureOutcome {
  const problem = findConnectionProblem(
    tasks.map((task) => ({ taskId: task.taskId, upstream: task.upstream.map((entry) => entry.taskId) })),
    edit.source,
    edit.target,
  );
  if (problem) return problem;
  const target = find(tasks, edit.target)!;
  if (target.upstreamKind === 'other') return `The "upstream" of "${edit.target}" is not a list; fix it in the text (Open as Text) first.`;
  if (target.upstreamKind === 'missing') editor.set(['tasks', target.index, 'upstream'], [edit.source], taskKeyPlacement(target.operator));
  else editor.append(['tasks', target.index, 'upstream'], edit.source);
  return [];
}

function setTaskField(editor: JsonTextEditor, tasks: TaskLocation[], edit: SetTaskFieldEdit): GestureOutcome {
  const [first] = edit.path;
  if (first === 'task_id' && edit.path.length === 1) {
    if (typeof edit.value !== 'string') return 'A task id must be a string of letters, digits, "_", "." and "-".';
    return renameTask(editor, tasks, { kind: 'renameTask', taskId: edit.taskId, newTaskId: edit.value });
  }
  if (first === 'operator' && edit.value === undefined) return 'A task needs an operator; choose another one instead of clearing it.';
  const task = find(tasks, edit.taskId);
  if (!task) return `There is no task "${edit.taskId}" any more; it may have been renamed or deleted in the text.`;
  setOrRemove(
    editor,
    ['tasks', task.index, ...edit.path],
    edit.value,
    edit.path.length === 1 ? taskKeyPlacement(task.operator) : undefined,
  );
  return [];
}

function setDagField(editor: JsonTextEditor, edit: SetDagFieldEdit): GestureOutcome {
  if (edit.path[0] === 'tasks') return 'Tasks are edited on the canvas (or in the text), not as a DAG setting.';
  setOrRemove(editor, edit.path, edit.value, edit.path.length === 1 ? dagKeyPlacement : undefined);
  return [];
}

function setOrRemove(editor: JsonTextEditor, path: JsonPath, value: JsonValue | undefined, placement: KeyPlacement | undefined): void {
  if (value === undefined) {
    editor.remove(path);
    return;
  }
  const current = editor.valueAt(path);
  if (current !== undefined && JSON.stringify(current) === JSON.stringify(value)) return;
  editor.set(path, value, placement);
}

function find(tasks: readonly TaskLocation[], taskId: string): TaskLocation | undefined {
  return tasks.find((task) => task.taskId === taskId);
}

function idsOf(tasks: readonly TaskLocation[]): Set<string> {
  return new Set(tasks.map((task) => task.taskId));
}

function linkKey(source: string, target: string): string {
  return `${source}\u0000${target}`;
}

function isPoint(value: unknown): value is { x: number; y: number } {
  if (value === null || typeof value !== 'object') return false;
  const { x, y } = value as Record<string, unknown>;
  return typeof x === 'number' && typeof y === 'number';
}

function refuse(reason: string): CanvasEditResult {
  return { ok: false, reason };
}
