import type { ProblemDto } from '../../src/protocol/dagGraphDto';

/** Problems sorted by the form field they are about (`retries`, `default_args.retry_delay`), and the rest. */
export interface GroupedProblems {
  byField: Map<string, ProblemDto[]>;
  general: ProblemDto[];
}

/**
 * The problems of one task by field: the validator's JSON path `["tasks", i, key, ...]` names the
 * field; problems about the task as a whole (a missing argument, a cycle) are general.
 */
export function groupTaskProblems(problems: readonly ProblemDto[], taskId: string): GroupedProblems {
  const grouped: GroupedProblems = { byField: new Map(), general: [] };
  for (const problem of problems) {
    if (problem.taskId !== taskId) continue;
    const [root, , key] = problem.path ?? [];
    if (root === 'tasks' && typeof key === 'string' && key !== 'upstream' && key !== 'task_id') add(grouped, key, problem);
    else grouped.general.push(problem);
  }
  return grouped;
}

/** The DAG-level problems by field; `default_args` keys are named `default_args.<key>`. */
export function groupDagProblems(problems: readonly ProblemDto[]): GroupedProblems {
  const grouped: GroupedProblems = { byField: new Map(), general: [] };
  for (const problem of problems) {
    if (problem.taskId !== undefined) continue;
    const [key, nested] = problem.path ?? [];
    if (key === 'tasks') continue;
    if (key === 'default_args' && typeof nested === 'string') add(grouped, `default_args.${nested}`, problem);
    else if (typeof key === 'string') add(grouped, key, problem);
    else grouped.general.push(problem);
  }
  return grouped;
}

function add(grouped: GroupedProblems, key: string, problem: ProblemDto): void {
  grouped.byField.set(key, [...(grouped.byField.get(key) ?? []), problem]);
}
