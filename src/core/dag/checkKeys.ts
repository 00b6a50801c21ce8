import type { Node } from 'jsonc-parser';
import { closestMatch } from './closestMatch';
import { OPERATORS } from './dagFile';
import { dagPropertySchemas, defaultArgsPropertySchemas, operatorArgumentSchema, taskPropertySchemas } from './dagSchema';
import { findValue } from './findJsonNode';
import { keyOf, type ProblemCollector } from './ProblemCollector';

/**
 * Names people bring from Airflow or elsewhere for keys Dagstream spells differently. Unknown
 * keys are allowed (Airflow users add their own), so these, like typos, are only warnings.
 */
const DAG_KEY_ALIASES: Readonly<Record<string, string>> = {
  schedule_interval: 'schedule',
  timetable: 'schedule',
  concurrency: 'max_active_tasks',
  dag_args: 'default_args',
};
const TASK_KEY_ALIASES: Readonly<Record<string, string>> = {
  dependencies: 'upstream',
  depends_on: 'upstream',
  upstream_task_ids: 'upstream',
  upstreams: 'upstream',
  id: 'task_id',
  type: 'operator',
  command: 'bash_command',
  python_callable: 'code',
  endpoint: 'url',
};

/**
 * Warns about keys that look like misspellings of known ones (`"bash_comand"`, `"shedule"`),
 * about Airflow names Dagstream spells differently, and about keys repeated in one object.
 */
export function checkKeys(root: Node, document: unknown, problems: ProblemCollector): void {
  const known = knownKeys();
  checkObjectKeys(root, known.dag, DAG_KEY_ALIASES, 'the DAG', undefined, problems);
  const defaultArgsNode = findValue(root, 'default_args');
  if (defaultArgsNode?.type === 'object') checkObjectKeys(defaultArgsNode, known.defaultArgs, {}, 'default_args', undefined, problems);
  const tasksNode = findValue(root, 'tasks');
  const tasks = asRecord(document).tasks;
  if (tasksNode?.type === 'array' && Array.isArray(tasks)) {
    (tasksNode.children ?? []).forEach((taskNode, index) => {
      if (taskNode.type !== 'object') return;
      const task = asRecord(tasks[index]);
      // With an unknown operator, its arguments cannot be told from typos: the operator is reported instead.
      const taskKeys = typeof task.operator === 'string' ? known.task.get(task.operator) : undefined;
      if (!taskKeys) return;
      const taskId = typeof task.task_id === 'string' ? task.task_id : undefined;
      const owner = taskId === undefined ? `Task #${index + 1}` : `Task "${taskId}"`;
      checkObjectKeys(taskNode, taskKeys, TASK_KEY_ALIASES, owner, taskId, problems);
    });
  }
  checkDuplicateKeys(root, problems);
}

function checkObjectKeys(
  objectNode: Node,
  known: ReadonlySet<string>,
  aliases: Readonly<Record<string, string>>,
  owner: string,
  taskId: string | undefined,
  problems: ProblemCollector,
): void {
  const properties = objectNode.children ?? [];
  // Most objects have only known keys: look at the others only when there are some.
  if (properties.every((p) => known.has(String(keyOf(p)?.value)))) return;
  const present = new Set(properties.map((p) => String(keyOf(p)?.value)));
  const absent = [...known].filter((key) => !present.has(key));
  for (const property of properties) {
    const keyNode = keyOf(property);
    const key = keyNode?.value;
    if (typeof key !== 'string' || known.has(key) || key.startsWith('$')) continue;
    const alias = aliases[key];
    const suggestion = alias !== undefined && known.has(alias) && !present.has(alias) ? alias : closestMatch(key, absent);
    if (suggestion === undefined) continue;
    const message =
      alias === suggestion
        ? `${owner}: Dagstream calls "${key}" "${suggestion}"; rename the key (unknown keys are ignored).`
        : `${owner}: unknown key "${key}"; did you mean "${suggestion}"? Unknown keys are ignored.`;
    problems.report('unknown-key', message, keyNode, { severity: 'warning', taskId, subject: key });
  }
}

function checkDuplicateKeys(root: Node, problems: ProblemCollector): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const children = node.children ?? [];
    if (node.type === 'object' && children.length > 1) reportRepeatedKeys(children, problems);
    for (const child of children) {
      const value = child.type === 'property' ? child.children?.[1] : child;
      if (value?.type === 'object' || value?.type === 'array') stack.push(value);
    }
  }
}

function reportRepeatedKeys(properties: readonly Node[], problems: ProblemCollector): void {
  const keys = new Set<string>();
  let repeated = false;
  for (const property of properties) {
    const key = String(keyOf(property)?.value);
    if (keys.has(key)) repeated = true;
    keys.add(key);
  }
  if (!repeated) return;
  const lastIndex = new Map<string, number>();
  properties.forEach((property, i) => lastIndex.set(String(keyOf(property)?.value), i));
  properties.forEach((property, i) => {
    const keyNode = keyOf(property);
    const key = String(keyNode?.value);
    if (lastIndex.get(key) === i) return;
    problems.report(
      'duplicate-key',
      `Key "${key}" appears again later in this object, and the last one wins; remove one of them.`,
      keyNode,
      {
        severity: 'warning',
        subject: key,
      },
    );
  });
}

interface KnownKeys {
  dag: ReadonlySet<string>;
  /** Every key a task can have, whatever its operator: what default_args may hold. */
  defaultArgs: ReadonlySet<string>;
  /** Operator -> the keys a task with that operator takes. */
  task: ReadonlyMap<string, ReadonlySet<string>>;
}

let knownKeysCache: KnownKeys | undefined;

function knownKeys(): KnownKeys {
  if (!knownKeysCache) {
    const common = Object.keys(taskPropertySchemas());
    const defaultArgs = new Set([...Object.keys(defaultArgsPropertySchemas()), ...common]);
    const task = new Map<string, ReadonlySet<string>>();
    for (const operator of OPERATORS) {
      const own = Object.keys(operatorArgumentSchema(operator)?.properties ?? {});
      task.set(operator, new Set([...common, ...own]));
      for (const key of own) defaultArgs.add(key);
    }
    knownKeysCache = { dag: new Set(Object.keys(dagPropertySchemas())), defaultArgs, task };
  }
  return knownKeysCache;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
