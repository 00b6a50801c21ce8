/**
 * Canvas gestures as the webview reports them. Each names tasks by id rather than by text offset,
 * so that the host can apply it to the document's current text even when the text changed since
 * the webview last saw it; the host turns it into a minimal edit of the JSON (see
 * src/extension/dagEditor/applyCanvasEdit.ts).
 */
import { isJsonPath, isJsonValue, type JsonPath, type JsonValue } from './jsonValue';
import type { LinkDto } from './dagGraphDto';

export interface CanvasPoint {
  x: number;
  y: number;
}

/** A new task from the palette, dropped at `position`. `taskId` is the webview's proposal; the host keeps it when it is free. */
export interface AddTaskEdit {
  kind: 'addTask';
  operator: string;
  position: CanvasPoint;
  taskId?: string;
}

/** Removes tasks (and every `upstream` entry naming them) and links. */
export interface DeleteElementsEdit {
  kind: 'deleteElements';
  taskIds: string[];
  links: LinkDto[];
}

/** Renames a task and every `upstream` entry that names it. */
export interface RenameTaskEdit {
  kind: 'renameTask';
  taskId: string;
  newTaskId: string;
}

/** Saves node positions (rounded to whole canvas units): a drag, arrow keys, or an auto-layout of every node at once. */
export interface MoveTasksEdit {
  kind: 'moveTasks';
  moves: { taskId: string; position: CanvasPoint }[];
}

/** Appends `source` to `target`'s `upstream`; refused when it would close a cycle. */
export interface ConnectEdit {
  kind: 'connect';
  source: string;
  target: string;
}

/** Sets (or, without `value`, removes) the value at `path` inside a task, e.g. `["retries"]` or `["env", "CITY"]`. */
export interface SetTaskFieldEdit {
  kind: 'setTaskField';
  taskId: string;
  path: JsonPath;
  value?: JsonValue;
}

/** Sets (or, without `value`, removes) a DAG-level value, e.g. `["schedule"]` or `["default_args", "retries"]`. */
export interface SetDagFieldEdit {
  kind: 'setDagField';
  path: JsonPath;
  value?: JsonValue;
}

/**
 * Pastes tasks copied as JSON (one task object or a list of them, as the canvas copies them, or
 * as copied from a DAG file's text). Ids are made unique; links between pasted tasks follow them.
 */
export interface PasteTasksEdit {
  kind: 'pasteTasks';
  text: string;
  /** Where the pasted group's top-left node goes; next to the originals when absent. */
  position?: CanvasPoint;
}

/** Copies tasks of this DAG under new ids, offset from the originals. */
export interface DuplicateTasksEdit {
  kind: 'duplicateTasks';
  taskIds: string[];
}

export type DagEdit =
  | AddTaskEdit
  | DeleteElementsEdit
  | RenameTaskEdit
  | MoveTasksEdit
  | ConnectEdit
  | SetTaskFieldEdit
  | SetDagFieldEdit
  | PasteTasksEdit
  | DuplicateTasksEdit;

/** Narrows a gesture that arrived over `postMessage` (or through a command); anything malformed is refused. */
export function isDagEdit(value: unknown): value is DagEdit {
  if (typeof value !== 'object' || value === null) return false;
  const edit = value as Record<string, unknown>;
  switch (edit.kind) {
    case 'addTask':
      return typeof edit.operator === 'string' && isPoint(edit.position) && (edit.taskId === undefined || typeof edit.taskId === 'string');
    case 'deleteElements':
      return isStringArray(edit.taskIds) && Array.isArray(edit.links) && edit.links.every(isLink);
    case 'renameTask':
      return typeof edit.taskId === 'string' && typeof edit.newTaskId === 'string';
    case 'moveTasks':
      return (
        Array.isArray(edit.moves) && edit.moves.every((m: unknown) => isRecord(m) && typeof m.taskId === 'string' && isPoint(m.position))
      );
    case 'connect':
      return typeof edit.source === 'string' && typeof edit.target === 'string';
    case 'setTaskField':
      return (
        typeof edit.taskId === 'string' &&
        isJsonPath(edit.path) &&
        edit.path.length > 0 &&
        (edit.value === undefined || isJsonValue(edit.value))
      );
    case 'setDagField':
      return isJsonPath(edit.path) && edit.path.length > 0 && (edit.value === undefined || isJsonValue(edit.value));
    case 'pasteTasks':
      return typeof edit.text === 'string' && (edit.position === undefined || isPoint(edit.position));
    case 'duplicateTasks':
      return isStringArray(edit.taskIds);
    default:
      return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isPoint(value: unknown): value is CanvasPoint {
  return isRecord(value) && Number.isFinite(value.x) && Number.isFinite(value.y);
}

function isLink(value: unknown): value is LinkDto {
  return isRecord(value) && typeof value.source === 'string' && typeof value.target === 'string';
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
