import { findNodeAtLocation, findNodeAtOffset, getNodePath, getNodeValue, parseTree, type Node } from 'jsonc-parser';
import type { TaskSpec } from '../../core/dag/dagFile';
import type { DagProblem, ParsedDag } from '../../core/dag/parseDagText';
import type { DagGraphDto, LinkDto, ProblemDto, TaskNodeDto } from '../../protocol/dagGraphDto';
import { isJsonObject, isJsonValue, type JsonObject, type JsonPath } from '../../protocol/jsonValue';

/** Operator arguments whose first line says best what a task does, in order of preference. */
const PREVIEW_KEYS = ['bash_command', 'code', 'code_file', 'sql', 'url', 'topic', 'topics', 'filepath'] as const;
const PREVIEW_LENGTH = 60;

/** The JSON tree of a DAG file's text, for the raw values and locations the canvas shows. */
export function parseDagTree(text: string): Node | undefined {
  return parseTree(text, [], { disallowComments: false, allowTrailingComma: true });
}

/**
 * The canvas's view of a parsed DAG file. Pure, so that it is unit-tested without VS Code.
 * `root` (the text's JSON tree) supplies each task's object exactly as written, for the inspector.
 */
export function toDagGraphDto(parsed: ParsedDag, root?: Node): DagGraphDto | undefined {
  const dag = parsed.dag;
  if (!dag) return undefined;
  const raw = rawValues(root);
  return {
    dagId: typeof dag.dag_id === 'string' ? dag.dag_id : '',
    ...(typeof dag.description === 'string' ? { description: dag.description } : {}),
    schedule: typeof dag.schedule === 'string' ? dag.schedule : null,
    settings: raw.settings,
    tasks: dag.tasks.map((task) => toTaskNodeDto(task, raw.tasks.get(task.task_id))),
  };
}

/**
 * A problem as the canvas and forms use it: with the JSON path of the offending value (derived
 * from its position when the validator did not give one) and, for an `upstream` entry, the link
 * it is about so that the edge can be marked.
 */
export function toProblemDto(problem: DagProblem, root?: Node): ProblemDto {
  const { start, end } = problem.range;
  const path = problem.path ?? (root ? pathAt(root, problem.range.offset) : undefined);
  const link = root && path ? linkAt(root, path) : undefined;
  return {
    severity: problem.severity,
    code: problem.code,
    message: problem.message,
    range: { startLine: start.line, startCharacter: start.character, endLine: end.line, endCharacter: end.character },
    ...(problem.taskId === undefined ? {} : { taskId: problem.taskId }),
    ...(path === undefined ? {} : { path: [...path] }),
    ...(link === undefined ? {} : { link }),
  };
}

function toTaskNodeDto(task: TaskSpec, raw: JsonObject | undefined): TaskNodeDto {
  const position = task.position;
  const hasPosition = typeof position === 'object' && position !== null && Number.isFinite(position.x) && Number.isFinite(position.y);
  const preview = previewOf(task);
  return {
    taskId: task.task_id,
    operator: task.operator,
    upstream: [...(task.upstream ?? [])],
    ...(hasPosition ? { position: { x: position.x, y: position.y } } : {}),
    ...(preview === undefined ? {} : { preview }),
    values: raw ?? {},
  };
}

function rawValues(root: Node | undefined): { settings: JsonObject; tasks: Map<string, JsonObject> } {
  const tasks = new Map<string, JsonObject>();
  const settings: JsonObject = {};
  if (root?.type !== 'object') return { settings, tasks };
  for (const property of root.children ?? []) {
    const key = property.children?.[0]?.value;
    const valueNode = property.children?.[1];
    if (typeof key !== 'string' || !valueNode) continue;
    if (key === 'tasks') {
      for (const taskNode of valueNode.type === 'array' ? (valueNode.children ?? []) : []) {
        const value: unknown = getNodeValue(taskNode);
        if (isJsonObject(value) && typeof value.task_id === 'string' && !tasks.has(value.task_id)) tasks.set(value.task_id, value);
      }
    } else if (!(key in settings)) {
      const value: unknown = getNodeValue(valueNode);
      if (isJsonValue(value)) settings[key] = value;
    }
  }
  return { settings, tasks };
}

function pathAt(root: Node, offset: number): JsonPath | undefined {
  const node = findNodeAtOffset(root, offset, false);
  if (!node) return undefined;
  // A key's node stands for its property: the path of the value it names.
  const target = node.parent?.type === 'property' && node.parent.children?.[0] === node ? (node.parent.children[1] ?? node) : node;
  return getNodePath(target);
}

function linkAt(root: Node, path: JsonPath): LinkDto | undefined {
  const [tasks, index, upstream, entry] = path;
  if (tasks !== 'tasks' || typeof index !== 'number' || upstream !== 'upstream' || typeof entry !== 'number' || path.length !== 4)
    return undefined;
  const source = findNodeAtLocation(root, path);
  const target = findNodeAtLocation(root, ['tasks', index, 'task_id']);
  if (source?.type !== 'string' || target?.type !== 'string') return undefined;
  return { source: String(source.value), target: String(target.value) };
}

function previewOf(task: TaskSpec): string | undefined {
  for (const key of PREVIEW_KEYS) {
    const value = task[key];
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (typeof text !== 'string' || text.trim() === '') continue;
    const firstLine = text.trim().split(/\r?\n/, 1)[0] ?? '';
    return firstLine.length > PREVIEW_LENGTH ? `${firstLine.slice(0, PREVIEW_LENGTH - 1)}…` : firstLine;
  }
  return undefined;
}
