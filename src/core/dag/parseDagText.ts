import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { DAG_FILE_VERSION, OPERATORS, TRIGGER_RULES, type DagFile, type TaskSpec } from './dagFile';
import { findCycle } from './findCycle';
import { LineIndex, type TextRange } from './textRange';

/** One thing wrong with a DAG file, located in its text. */
export interface DagProblem {
  severity: 'error' | 'warning';
  /** A stable identifier of the kind of problem, for tests and quick fixes. */
  code: string;
  message: string;
  range: TextRange;
  /** The task the problem belongs to, when it belongs to one. */
  taskId?: string;
}

/** A parsed DAG file: the model when the text is usable, and every problem found. */
export interface ParsedDag {
  /** Present when the text is a JSON object with a usable `tasks` list, even if it has problems. */
  dag: DagFile | undefined;
  problems: DagProblem[];
  /** Where each task's object sits in the text, for navigation and node decorations. */
  taskRanges: Map<string, TextRange>;
}

const KNOWN_OPERATORS: ReadonlySet<string> = new Set(OPERATORS);
const KNOWN_TRIGGER_RULES: ReadonlySet<string> = new Set(TRIGGER_RULES);

/**
 * Parses and checks the text of a `*.dag.json` file. Never throws: every defect, from a stray
 * comma to a dependency cycle, comes back as a problem with the range of the offending value.
 */
export function parseDagText(text: string): ParsedDag {
  const lines = new LineIndex(text);
  const problems: DagProblem[] = [];
  const taskRanges = new Map<string, TextRange>();
  const report = (code: string, message: string, node: Node | undefined, taskId?: string): void => {
    const range = node ? lines.rangeAt(node.offset, node.length) : lines.rangeAt(0, 0);
    problems.push({ severity: 'error', code, message, range, ...(taskId === undefined ? {} : { taskId }) });
  };

  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { disallowComments: true, allowTrailingComma: false });
  for (const error of parseErrors) {
    problems.push({
      severity: 'error',
      code: 'invalid-json',
      message: `Invalid JSON: ${describeParseError(error)}.`,
      range: lines.rangeAt(error.offset, error.length),
    });
  }
  if (!root) return { dag: undefined, problems, taskRanges };
  if (root.type !== 'object') {
    report('not-an-object', 'A DAG file must be a JSON object with "version", "dag_id" and "tasks".', root);
    return { dag: undefined, problems, taskRanges };
  }

  checkVersion(root, report);
  const dagIdNode = findNodeAtLocation(root, ['dag_id']);
  if (!dagIdNode) report('missing-dag-id', 'Missing "dag_id": give the DAG a unique name.', keyOrRoot(root));
  else if (dagIdNode.type !== 'string' || String(dagIdNode.value).trim() === '') {
    report('invalid-dag-id', '"dag_id" must be a non-empty string.', dagIdNode);
  }
  const scheduleNode = findNodeAtLocation(root, ['schedule']);
  if (scheduleNode && scheduleNode.type !== 'string' && scheduleNode.type !== 'null') {
    report('invalid-schedule', '"schedule" must be a cron expression, a preset such as "@daily", or null.', scheduleNode);
  }

  const tasksNode = findNodeAtLocation(root, ['tasks']);
  if (!tasksNode) {
    report('missing-tasks', 'Missing "tasks": add a list of tasks (it may be empty).', keyOrRoot(root));
    return { dag: undefined, problems, taskRanges };
  }
  if (tasksNode.type !== 'array') {
    report('invalid-tasks', '"tasks" must be a list of task objects.', tasksNode);
    return { dag: undefined, problems, taskRanges };
  }

  const tasks: TaskSpec[] = [];
  const upstreamNodes = new Map<string, Node>();
  for (const taskNode of tasksNode.children ?? []) {
    const task = checkTask(taskNode, report);
    if (!task) continue;
    if (taskRanges.has(task.task_id)) {
      report('duplicate-task-id', `Duplicate task_id "${task.task_id}": task ids must be unique within a DAG.`, findNodeAtLocation(taskNode, ['task_id']), task.task_id);
      continue;
    }
    taskRanges.set(task.task_id, lines.rangeAt(taskNode.offset, taskNode.length));
    const upstreamNode = findNodeAtLocation(taskNode, ['upstream']);
    if (upstreamNode) upstreamNodes.set(task.task_id, upstreamNode);
    tasks.push(task);
  }

  checkDependencies(tasks, upstreamNodes, report);

  const value: unknown = getNodeValue(root);
  const dag = { ...(value as Record<string, unknown>), tasks } as DagFile;
  return { dag, problems, taskRanges };
}

type Report = (code: string, message: string, node: Node | undefined, taskId?: string) => void;

function describeParseError(error: ParseError): string {
  const code = printParseErrorCode(error.error);
  // Turn jsonc-parser's identifiers ("CommaExpected") into words ("comma expected").
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function keyOrRoot(root: Node): Node {
  // Point at the opening brace rather than the whole file when a key is missing.
  return { ...root, length: 1 };
}

function checkVersion(root: Node, report: Report): void {
  const versionNode = findNodeAtLocation(root, ['version']);
  if (!versionNode) {
    report('missing-version', `Missing "version": add "version": ${DAG_FILE_VERSION}.`, keyOrRoot(root));
  } else if (versionNode.value !== DAG_FILE_VERSION) {
    report(
      'unsupported-version',
      `Unsupported DAG file version ${JSON.stringify(versionNode.value)}: this build of Dagstream reads version ${DAG_FILE_VERSION}. Update Dagstream or change the file's version.`,
      versionNode,
    );
  }
}

function checkTask(taskNode: Node, report: Report): TaskSpec | undefined {
  if (taskNode.type !== 'object') {
    report('invalid-task', 'Each task must be an object with "task_id" and "operator".', taskNode);
    return undefined;
  }
  const idNode = findNodeAtLocation(taskNode, ['task_id']);
  if (!idNode || idNode.type !== 'string' || String(idNode.value).trim() === '') {
    report('invalid-task-id', 'A task needs a "task_id": a non-empty string.', idNode ?? keyOrRoot(taskNode));
    return undefined;
  }
  const taskId = String(idNode.value);
  const operatorNode = findNodeAtLocation(taskNode, ['operator']);
  if (!operatorNode || operatorNode.type !== 'string') {
    report('missing-operator', `Task "${taskId}" needs an "operator", one of: ${OPERATORS.join(', ')}.`, operatorNode ?? idNode, taskId);
  } else if (!KNOWN_OPERATORS.has(String(operatorNode.value))) {
    report('unknown-operator', `Task "${taskId}" has unknown operator "${String(operatorNode.value)}"; use one of: ${OPERATORS.join(', ')}.`, operatorNode, taskId);
  }
  const ruleNode = findNodeAtLocation(taskNode, ['trigger_rule']);
  if (ruleNode && !KNOWN_TRIGGER_RULES.has(String(ruleNode.value))) {
    report('unknown-trigger-rule', `Task "${taskId}" has unknown trigger_rule ${JSON.stringify(ruleNode.value)}; use one of: ${TRIGGER_RULES.join(', ')}.`, ruleNode, taskId);
  }
  const upstreamNode = findNodeAtLocation(taskNode, ['upstream']);
  let upstream: string[] = [];
  if (upstreamNode) {
    if (upstreamNode.type !== 'array' || (upstreamNode.children ?? []).some((c) => c.type !== 'string')) {
      report('invalid-upstream', `Task "${taskId}": "upstream" must be a list of task ids.`, upstreamNode, taskId);
    } else {
      upstream = (upstreamNode.children ?? []).map((c) => String(c.value));
    }
  }
  const value = getNodeValue(taskNode) as Record<string, unknown>;
  return { ...value, task_id: taskId, operator: String(operatorNode?.value ?? ''), upstream };
}

function checkDependencies(tasks: readonly TaskSpec[], upstreamNodes: ReadonlyMap<string, Node>, report: Report): void {
  const ids = new Set(tasks.map((t) => t.task_id));
  const graph = new Map<string, string[]>();
  for (const task of tasks) {
    const valid: string[] = [];
    const entries = upstreamNodes.get(task.task_id)?.children ?? [];
    (task.upstream ?? []).forEach((parent, index) => {
      const entry = entries[index];
      if (parent === task.task_id) {
        report('self-dependency', `Task "${task.task_id}" lists itself as upstream; remove it from its "upstream".`, entry, task.task_id);
      } else if (!ids.has(parent)) {
        report('unknown-upstream', `Task "${task.task_id}" has unknown upstream task "${parent}".`, entry, task.task_id);
      } else {
        valid.push(parent);
      }
    });
    graph.set(task.task_id, valid);
  }
  // Report each cycle once, then cut it and look again, so that every cycle gets a message.
  for (let guard = 0; guard < tasks.length; guard++) {
    const cycle = findCycle(graph);
    if (!cycle) return;
    const [first, second] = cycle;
    if (first === undefined || second === undefined) return;
    const index = (tasks.find((t) => t.task_id === second)?.upstream ?? []).indexOf(first);
    report('cycle', `Dependency cycle: ${cycle.join(' -> ')}. Remove one of these upstream links.`, upstreamNodes.get(second)?.children?.[index], second);
    graph.set(second, (graph.get(second) ?? []).filter((p) => p !== first));
  }
}
