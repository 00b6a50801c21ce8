import type { ParsedDag } from '../../core/dag/parseDagText';
import type { DagProblem } from '../../core/dag/parseDagText';
import type { TaskSpec } from '../../core/dag/dagFile';
import type { DagGraphDto, ProblemDto, TaskNodeDto } from '../../protocol/dagGraphDto';

/** Operator arguments whose first line says best what a task does, in order of preference. */
const PREVIEW_KEYS = ['bash_command', 'code', 'code_file', 'sql', 'url', 'topic', 'topics'] as const;
const PREVIEW_LENGTH = 60;

/** The canvas's view of a parsed DAG file. Pure, so that it is unit-tested without VS Code. */
export function toDagGraphDto(parsed: ParsedDag): DagGraphDto | undefined {
  const dag = parsed.dag;
  if (!dag) return undefined;
  return {
    dagId: typeof dag.dag_id === 'string' ? dag.dag_id : '',
    ...(typeof dag.description === 'string' ? { description: dag.description } : {}),
    schedule: typeof dag.schedule === 'string' ? dag.schedule : null,
    tasks: dag.tasks.map(toTaskNodeDto),
  };
}

export function toProblemDto(problem: DagProblem): ProblemDto {
  const { start, end } = problem.range;
  return {
    severity: problem.severity,
    code: problem.code,
    message: problem.message,
    range: { startLine: start.line, startCharacter: start.character, endLine: end.line, endCharacter: end.character },
    ...(problem.taskId === undefined ? {} : { taskId: problem.taskId }),
  };
}

function toTaskNodeDto(task: TaskSpec): TaskNodeDto {
  const position = task.position;
  const hasPosition = typeof position === 'object' && position !== null && Number.isFinite(position.x) && Number.isFinite(position.y);
  const preview = previewOf(task);
  return {
    taskId: task.task_id,
    operator: task.operator,
    upstream: [...(task.upstream ?? [])],
    ...(hasPosition ? { position: { x: position.x, y: position.y } } : {}),
    ...(preview === undefined ? {} : { preview }),
  };
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
