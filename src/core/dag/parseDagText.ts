import { getNodeValue, parseTree, printParseErrorCode, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import { checkDagSchema } from './checkDagSchema';
import { checkKeys } from './checkKeys';
import { checkParams } from './checkParams';
import type { DagFile, TaskSpec } from './dagFile';
import { durationKeysOf } from './dagSchema';
import { describeInvalidSchedule } from './describeInvalidSchedule';
import { findCycle } from './findCycle';
import { findValue } from './findJsonNode';
import { describeInvalidDagDate, parseDagDate } from './parseDagDate';
import { describeInvalidDuration } from './parseDuration';
import { keyOf, ProblemCollector } from './ProblemCollector';
import { LineIndex, type TextRange } from './textRange';

/** One thing wrong with a DAG file, located in its text. */
export interface DagProblem {
  severity: 'error' | 'warning';
  /**
   * A stable identifier of the kind of problem, for tests and quick fixes: `invalid-json`,
   * `duplicate-task-id`, `unknown-upstream`, `self-dependency`, `cycle`, `unknown-operator`,
   * `unknown-trigger-rule`, `invalid-schedule`, `invalid-duration`, `invalid-date`,
   * `end-before-start`, `invalid-param-schema`, `invalid-param-default`, `param-without-default`,
   * `unsupported-version`, `missing-*`, `unknown-key`, `duplicate-key`, or `schema-<keyword>` for
   * other violations of `schemas/dag.schema.json` (`schema-required`, `schema-type`...).
   */
  code: string;
  message: string;
  range: TextRange;
  /** The task the problem belongs to, when it belongs to one. */
  taskId?: string;
  /** The JSON path of the offending value (or key), e.g. `["tasks", 2, "retry_delay"]`, for forms. */
  path?: JSONPath;
}

/** A parsed DAG file: the model when the text is usable, and every problem found. */
export interface ParsedDag {
  /** Present when the text is a JSON object with a usable `tasks` list, even if it has problems. */
  dag: DagFile | undefined;
  /** Every problem found, in text order. */
  problems: DagProblem[];
  /** Where each task's object sits in the text, for navigation and node decorations. */
  taskRanges: Map<string, TextRange>;
}

/**
 * Parses and checks the text of a `*.dag.json` file. Never throws: every defect, from a stray
 * comma to a dependency cycle, comes back as a problem with the range of the offending value.
 *
 * The hand-written checks (the graph, cron, durations, dates, params) run before the JSON
 * Schema's, and the first report of a defect wins, so that each defect is reported once, in the
 * most specific words available.
 */
export function parseDagText(text: string): ParsedDag {
  const lines = new LineIndex(text);
  const problems = new ProblemCollector(lines);
  const taskRanges = new Map<string, TextRange>();
  const result = (dag: DagFile | undefined): ParsedDag => ({ dag, problems: inTextOrder(problems.problems), taskRanges });

  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { disallowComments: true, allowTrailingComma: false });
  for (const error of parseErrors) {
    problems.report('invalid-json', `Invalid JSON: ${describeParseError(error)}.`, { offset: error.offset, length: error.length });
  }
  if (!root) return result(undefined);
  if (root.type !== 'object') {
    problems.report('not-an-object', 'A DAG file must be a JSON object with "version", "dag_id" and "tasks".', root);
    return result(undefined);
  }

  const document = getNodeValue(root) as Record<string, unknown>;
  const tasks = collectTasks(root, document, lines, taskRanges, problems);
  if (tasks) checkDependencies(tasks, problems);
  checkSchedule(root, problems);
  checkDates(root, problems);
  checkDurations(root, document, problems);
  checkParams(root, document, problems);
  checkDagSchema(root, document, problems);
  checkKeys(root, document, problems);
  return result(tasks ? ({ ...document, tasks: tasks.map((t) => t.spec) } as DagFile) : undefined);
}

/** A task of the model with the text nodes of its upstream entries, for locating problems. */
interface CollectedTask {
  spec: TaskSpec;
  upstreamNodes: Node[];
}

/**
 * The tasks usable as graph nodes: objects with a non-empty string `task_id`, first of each id.
 * What makes the others unusable (not an object, no id) is the schema check's to report.
 */
function collectTasks(
  root: Node,
  document: Record<string, unknown>,
  lines: LineIndex,
  taskRanges: Map<string, TextRange>,
  problems: ProblemCollector,
): CollectedTask[] | undefined {
  const tasksNode = findValue(root, 'tasks');
  if (tasksNode?.type !== 'array' || !Array.isArray(document.tasks)) return undefined;
  const values: unknown[] = document.tasks;
  const tasks: CollectedTask[] = [];
  (tasksNode.children ?? []).forEach((taskNode, index) => {
    const value = values[index];
    if (taskNode.type !== 'object' || value === null || typeof value !== 'object') return;
    const idNode = findValue(taskNode, 'task_id');
    if (idNode?.type !== 'string' || String(idNode.value).trim() === '') return;
    const taskId = String(idNode.value);
    const path = ['tasks', index, 'task_id'];
    if (taskRanges.has(taskId)) {
      problems.report(
        'duplicate-task-id',
        `Duplicate task_id "${taskId}": task ids must be unique within a DAG. Rename one of the tasks.`,
        idNode,
        { taskId, path },
      );
      return;
    }
    taskRanges.set(taskId, lines.rangeAt(taskNode.offset, taskNode.length));
    const upstreamNode = findValue(taskNode, 'upstream');
    const upstreamNodes = upstreamNode?.type === 'array' ? (upstreamNode.children ?? []).filter((c) => c.type === 'string') : [];
    const operator = findValue(taskNode, 'operator');
    const spec: TaskSpec = {
      ...(value as Record<string, unknown>),
      task_id: taskId,
      operator: operator?.type === 'string' ? String(operator.value) : '',
      upstream: upstreamNodes.map((n) => String(n.value)),
    };
    tasks.push({ spec, upstreamNodes });
  });
  return tasks;
}

function checkDependencies(tasks: readonly CollectedTask[], problems: ProblemCollector): void {
  const ids = new Set(tasks.map((t) => t.spec.task_id));
  const graph = new Map<string, string[]>();
  const entryOf = new Map<string, Map<string, Node>>();
  for (const { spec, upstreamNodes } of tasks) {
    const taskId = spec.task_id;
    const valid: string[] = [];
    const entries = new Map<string, Node>();
    for (const entry of upstreamNodes) {
      const parent = String(entry.value);
      if (entries.has(parent)) {
        problems.report('duplicate-upstream', `Task "${taskId}" lists upstream task "${parent}" twice; remove one.`, entry, {
          severity: 'warning',
          taskId,
        });
      } else if (parent === taskId) {
        problems.report('self-dependency', `Task "${taskId}" lists itself as upstream; remove it from its "upstream".`, entry, { taskId });
      } else if (!ids.has(parent)) {
        problems.report(
          'unknown-upstream',
          `Task "${taskId}" has unknown upstream task "${parent}"; use the task_id of a task of this DAG.`,
          entry,
          { taskId },
        );
      } else {
        valid.push(parent);
      }
      if (!entries.has(parent)) entries.set(parent, entry);
    }
    graph.set(taskId, valid);
    entryOf.set(taskId, entries);
  }
  // Report each cycle once, then cut it and look again, so that every cycle gets a message.
  for (let guard = 0; guard < tasks.length; guard++) {
    const cycle = findCycle(graph);
    if (!cycle) return;
    const [first, second] = cycle;
    if (first === undefined || second === undefined) return;
    problems.report(
      'cycle',
      `Dependency cycle: ${cycle.join(' -> ')}. Remove one of these upstream links.`,
      entryOf.get(second)?.get(first),
      { taskId: second },
    );
    graph.set(
      second,
      (graph.get(second) ?? []).filter((p) => p !== first),
    );
  }
}

function checkSchedule(root: Node, problems: ProblemCollector): void {
  const node = findValue(root, 'schedule');
  if (!node) return;
  const message = describeInvalidSchedule(getNodeValue(node));
  if (message !== undefined) problems.report('invalid-schedule', message, node, { path: ['schedule'] });
}

function checkDates(root: Node, problems: ProblemCollector): void {
  const dates = new Map<string, Date>();
  for (const key of ['start_date', 'end_date']) {
    const node = findValue(root, key);
    if (!node || node.type === 'null') continue;
    const value: unknown = getNodeValue(node);
    const message = describeInvalidDagDate(key, value);
    if (message !== undefined) problems.report('invalid-date', message, node, { path: [key] });
    const date = parseDagDate(value);
    if (date) dates.set(key, date);
  }
  const start = dates.get('start_date');
  const end = dates.get('end_date');
  if (start && end && end < start) {
    problems.report(
      'end-before-start',
      '"end_date" is before "start_date", so the DAG would never be scheduled. Move end_date after start_date or remove it.',
      findValue(root, 'end_date'),
      {
        path: ['end_date'],
      },
    );
  }
}

/** Durations everywhere they can be: default_args and each task, by its operator's schema. */
function checkDurations(root: Node, document: Record<string, unknown>, problems: ProblemCollector): void {
  const defaultArgsNode = findValue(root, 'default_args');
  if (defaultArgsNode?.type === 'object')
    checkDurationsOf(defaultArgsNode, durationKeysOf(), 'default_args', ['default_args'], undefined, problems);
  const tasksNode = findValue(root, 'tasks');
  if (tasksNode?.type !== 'array' || !Array.isArray(document.tasks)) return;
  const values: unknown[] = document.tasks;
  (tasksNode.children ?? []).forEach((taskNode, index) => {
    if (taskNode.type !== 'object') return;
    const task = values[index] as Record<string, unknown>;
    const taskId = typeof task.task_id === 'string' && task.task_id.trim() !== '' ? task.task_id : undefined;
    const operator = typeof task.operator === 'string' ? task.operator : '';
    const owner = taskId === undefined ? `Task #${index + 1}` : `Task "${taskId}"`;
    checkDurationsOf(taskNode, durationKeysOf(operator), owner, ['tasks', index], taskId, problems);
  });
}

function checkDurationsOf(
  objectNode: Node,
  keys: ReadonlySet<string>,
  owner: string,
  path: JSONPath,
  taskId: string | undefined,
  problems: ProblemCollector,
): void {
  for (const property of objectNode.children ?? []) {
    const key = keyOf(property)?.value;
    const valueNode = property.children?.[1];
    if (typeof key !== 'string' || !keys.has(key) || !valueNode || valueNode.type === 'null') continue;
    const message = describeInvalidDuration(getNodeValue(valueNode));
    if (message !== undefined)
      problems.report('invalid-duration', `${owner}: invalid "${key}". ${message}`, valueNode, { taskId, path: [...path, key] });
  }
}

function describeParseError(error: ParseError): string {
  const code = printParseErrorCode(error.error);
  // Turn jsonc-parser's identifiers ("CommaExpected") into words ("comma expected").
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function inTextOrder(problems: DagProblem[]): DagProblem[] {
  return problems.sort((a, b) => a.range.offset - b.range.offset);
}
