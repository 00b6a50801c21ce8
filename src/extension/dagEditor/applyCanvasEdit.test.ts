import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNewDag, serializeDag } from '../../core/dag/createNewDag';
import { OPERATORS } from '../../core/dag/dagFile';
import { parseDagText } from '../../core/dag/parseDagText';
import type { DagEdit } from '../../protocol/dagEditDto';
import type { JsonObject, JsonValue } from '../../protocol/jsonValue';
import { applyCanvasEdit } from './applyCanvasEdit';
import { applyReplacements } from './TextEditLog';

/** JSON as Dagstream (and most editors) write it: one key per line, final newline. */
function canonical(value: unknown, indent: number | string = 2, eol = '\n'): string {
  return `${JSON.stringify(value, null, indent).replace(/\n/g, eol)}${eol}`;
}

/** Applies `edit`, checks that the replacements rebuild the new text, and returns it. */
function apply(text: string, edit: DagEdit): { text: string; select: string[] } {
  const result = applyCanvasEdit(text, edit);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  expect(applyReplacements(text, result.replacements)).toBe(result.text);
  return result;
}

function refusal(text: string, edit: DagEdit): string {
  const result = applyCanvasEdit(text, edit);
  if (result.ok) throw new Error(`expected a refusal of ${JSON.stringify(edit)}`);
  return result.reason;
}

function tasksOf(text: string): JsonObject[] {
  return (JSON.parse(text) as { tasks: JsonObject[] }).tasks;
}

const WEATHER = {
  version: 1,
  dag_id: 'weather',
  schedule: '@daily',
  start_date: '2026-01-01',
  default_args: { retries: 1 },
  owner_notes: { keep: ['me', 1, null] },
  tasks: [
    { task_id: 'extract', operator: 'http', url: 'https://example.com', upstream: [], position: { x: 0, y: 0 } },
    {
      task_id: 'transform',
      operator: 'python',
      code: 'def main(context):\n    return 1\n',
      upstream: ['extract'],
      x_note: 'kept',
      position: { x: 280, y: 0 },
    },
    {
      task_id: 'load',
      operator: 'sql',
      database: 'data/w.sqlite',
      sql: 'SELECT 1',
      upstream: ['transform', 'extract'],
      trigger_rule: 'all_done',
      position: { x: 560, y: 0 },
    },
  ],
};
const WEATHER_TEXT = canonical(WEATHER);

describe('applyCanvasEdit: add task', () => {
  it("appends a task from the palette with a unique numbered id, rounded position and the file's indentation", () => {
    const first = apply(WEATHER_TEXT, { kind: 'addTask', operator: 'bash', position: { x: 10.4, y: 99.5 } });
    expect(first.select).toEqual(['bash_1']);
    const second = apply(first.text, { kind: 'addTask', operator: 'bash', position: { x: 0, y: 0 } });
    expect(second.select).toEqual(['bash_2']);
    expect(tasksOf(second.text).at(-2)).toEqual({
      task_id: 'bash_1',
      operator: 'bash',
      bash_command: 'echo hello',
      upstream: [],
      position: { x: 10, y: 100 },
    });
    expect(second.text).toBe(canonical(JSON.parse(second.text)));
  });

  it('keeps a proposed id when it is free and valid, and replaces it otherwise', () => {
    expect(apply(WEATHER_TEXT, { kind: 'addTask', operator: 'empty', position: { x: 0, y: 0 }, taskId: 'join' }).select).toEqual(['join']);
    expect(apply(WEATHER_TEXT, { kind: 'addTask', operator: 'empty', position: { x: 0, y: 0 }, taskId: 'load' }).select).toEqual([
      'empty_1',
    ]);
    expect(apply(WEATHER_TEXT, { kind: 'addTask', operator: 'kafka.produce', position: { x: 0, y: 0 }, taskId: 'bad id' }).select).toEqual([
      'kafka_produce_1',
    ]);
  });

  it('gives every operator a starter task the validator accepts or flags only for what the user must fill in', () => {
    let text = serializeDag(createNewDag('all', '2026-01-01'));
    for (const operator of OPERATORS) text = apply(text, { kind: 'addTask', operator, position: { x: 0, y: 0 } }).text;
    const problems = parseDagText(text).problems;
    expect(problems.map((p) => p.code)).toEqual(problems.map(() => 'schema-minLength'));
    expect(problems.map((p) => p.taskId)).toEqual(['sensor_sql_1', 'sensor_file_1']);
  });

  it('refuses an operator the engine does not have', () => {
    expect(refusal(WEATHER_TEXT, { kind: 'addTask', operator: 'spark', position: { x: 0, y: 0 } })).toMatch(/Unknown operator "spark"/);
  });

  it('writes with tabs and CRLF in a file that uses them', () => {
    const text = canonical(WEATHER, '\t', '\r\n');
    const result = apply(text, { kind: 'addTask', operator: 'empty', position: { x: 1, y: 2 } });
    expect(result.text).toBe(canonical(JSON.parse(result.text), '\t', '\r\n'));
  });

  it('keeps a one-line file on one line', () => {
    const text = JSON.stringify({ version: 1, dag_id: 'x', tasks: [] });
    const added = apply(text, { kind: 'addTask', operator: 'empty', position: { x: 0, y: 0 }, taskId: 'a' }).text;
    const linked = apply(apply(added, { kind: 'addTask', operator: 'empty', position: { x: 0, y: 0 }, taskId: 'b' }).text, {
      kind: 'connect',
      source: 'a',
      target: 'b',
    }).text;
    expect(linked).not.toContain('\n');
    expect(tasksOf(linked)[1]?.upstream).toEqual(['a']);
  });

  it('creates the tasks list when the file has none', () => {
    const text = canonical({ version: 1, dag_id: 'x' });
    const result = apply(text, { kind: 'addTask', operator: 'empty', position: { x: 0, y: 0 } });
    expect(result.text).toBe(
      canonical({ version: 1, dag_id: 'x', tasks: [{ task_id: 'empty_1', operator: 'empty', upstream: [], position: { x: 0, y: 0 } }] }),
    );
  });
});

describe('applyCanvasEdit: delete', () => {
  it('removes tasks and every upstream entry naming them, leaving the rest byte for byte', () => {
    const result = apply(WEATHER_TEXT, { kind: 'deleteElements', taskIds: ['extract'], links: [] });
    const expected = structuredClone(WEATHER);
    expected.tasks = expected.tasks.slice(1);
    expected.tasks[0]!.upstream = [];
    expected.tasks[1]!.upstream = ['transform'];
    expect(result.text).toBe(canonical(expected));
  });

  it('removes the last task cleanly, and all of them down to an empty list', () => {
    expect(apply(WEATHER_TEXT, { kind: 'deleteElements', taskIds: ['load'], links: [] }).text).toBe(
      canonical({ ...WEATHER, tasks: WEATHER.tasks.slice(0, 2) }),
    );
    expect(apply(WEATHER_TEXT, { kind: 'deleteElements', taskIds: ['load', 'extract', 'transform'], links: [] }).text).toBe(
      canonical({ ...WEATHER, tasks: [] }),
    );
  });

  it('removes links without removing tasks', () => {
    const result = apply(WEATHER_TEXT, { kind: 'deleteElements', taskIds: [], links: [{ source: 'extract', target: 'load' }] });
    expect(tasksOf(result.text)[2]?.upstream).toEqual(['transform']);
    expect(result.text).toBe(canonical(JSON.parse(result.text)));
  });

  it('ignores tasks and links that no longer exist', () => {
    const result = applyCanvasEdit(WEATHER_TEXT, {
      kind: 'deleteElements',
      taskIds: ['ghost'],
      links: [{ source: 'load', target: 'extract' }],
    });
    expect(result).toEqual({ ok: true, text: WEATHER_TEXT, replacements: [], select: [] });
  });
});

describe('applyCanvasEdit: rename', () => {
  it('renames a task and every reference to it', () => {
    const result = apply(WEATHER_TEXT, { kind: 'renameTask', taskId: 'extract', newTaskId: 'fetch_weather' });
    expect(result.select).toEqual(['fetch_weather']);
    const tasks = tasksOf(result.text);
    expect(tasks.map((t) => [t.task_id, t.upstream])).toEqual([
      ['fetch_weather', []],
      ['transform', ['fetch_weather']],
      ['load', ['transform', 'fetch_weather']],
    ]);
    expect(result.text).toBe(canonical(JSON.parse(result.text)));
  });

  it('refuses ids that are taken or invalid, and renames through the task_id field too', () => {
    expect(refusal(WEATHER_TEXT, { kind: 'renameTask', taskId: 'extract', newTaskId: 'load' })).toMatch(/already exists/);
    expect(refusal(WEATHER_TEXT, { kind: 'renameTask', taskId: 'extract', newTaskId: 'with space' })).toMatch(/not a valid task id/);
    expect(refusal(WEATHER_TEXT, { kind: 'renameTask', taskId: 'ghost', newTaskId: 'x' })).toMatch(/no task "ghost"/);
    const viaField = apply(WEATHER_TEXT, { kind: 'setTaskField', taskId: 'load', path: ['task_id'], value: 'store' });
    expect(viaField.select).toEqual(['store']);
  });
});

describe('applyCanvasEdit: move and layout', () => {
  it('changes only the numbers of a moved node, rounded', () => {
    const result = applyCanvasEdit(WEATHER_TEXT, { kind: 'moveTasks', moves: [{ taskId: 'transform', position: { x: 300.6, y: -20.2 } }] });
    expect(result.ok && result.replacements).toEqual([
      { offset: WEATHER_TEXT.indexOf('280'), length: 3, newText: '301' },
      { offset: WEATHER_TEXT.indexOf('"y": 0', WEATHER_TEXT.indexOf('280')) + 5, length: 0, newText: '-2' },
    ]);
  });

  it('keeps a one-line position on one line and adds a missing one last', () => {
    const text = WEATHER_TEXT.replace(/"position": \{\s*"x": 280,\s*"y": 0\s*\}/, '"position": { "x": 280, "y": 0 }').replace(
      /,\s*"position": \{\s*"x": 560,\s*"y": 0\s*\}/,
      '',
    );
    const result = apply(text, {
      kind: 'moveTasks',
      moves: [
        { taskId: 'transform', position: { x: 1, y: 2 } },
        { taskId: 'load', position: { x: 3, y: 4 } },
      ],
    });
    expect(result.text).toContain('"position": { "x": 1, "y": 2 }');
    expect(Object.keys(tasksOf(result.text)[2]!).at(-1)).toBe('position');
    expect(tasksOf(result.text)[2]?.position).toEqual({ x: 3, y: 4 });
  });

  it('writes a whole layout as one edit and skips tasks deleted meanwhile', () => {
    const result = applyCanvasEdit(WEATHER_TEXT, {
      kind: 'moveTasks',
      moves: WEATHER.tasks
        .map((t, i) => ({ taskId: t.task_id, position: { x: i * 300, y: 40 } }))
        .concat({ taskId: 'ghost', position: { x: 0, y: 0 } }),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(tasksOf(result.text).map((t) => t.position)).toEqual([
      { x: 0, y: 40 },
      { x: 300, y: 40 },
      { x: 600, y: 40 },
    ]);
  });
});

describe('applyCanvasEdit: connect', () => {
  it("appends the source to the target's upstream", () => {
    const result = apply(WEATHER_TEXT, { kind: 'addTask', operator: 'empty', position: { x: 0, y: 0 }, taskId: 'done' });
    const linked = apply(result.text, { kind: 'connect', source: 'load', target: 'done' });
    expect(tasksOf(linked.text).at(-1)?.upstream).toEqual(['load']);
    expect(linked.text).toBe(canonical(JSON.parse(linked.text)));
  });

  it("creates a missing upstream list in Dagstream's key order", () => {
    const text = canonical({
      version: 1,
      dag_id: 'x',
      tasks: [
        { task_id: 'a', operator: 'empty' },
        { task_id: 'b', operator: 'bash', bash_command: 'ls', position: { x: 0, y: 0 } },
      ],
    });
    const result = apply(text, { kind: 'connect', source: 'a', target: 'b' });
    expect(Object.keys(tasksOf(result.text)[1]!)).toEqual(['task_id', 'operator', 'bash_command', 'upstream', 'position']);
  });

  it('refuses a link that would close a cycle, naming the cycle', () => {
    expect(refusal(WEATHER_TEXT, { kind: 'connect', source: 'load', target: 'extract' })).toBe(
      'This link would make a cycle: extract -> load -> extract. A DAG cannot loop; remove a link of the cycle first.',
    );
    expect(refusal(WEATHER_TEXT, { kind: 'connect', source: 'load', target: 'transform' })).toMatch(/transform -> load -> transform/);
    expect(refusal(WEATHER_TEXT, { kind: 'connect', source: 'load', target: 'load' })).toMatch(/itself/);
    expect(refusal(WEATHER_TEXT, { kind: 'connect', source: 'extract', target: 'transform' })).toMatch(/already runs after/);
  });
});

describe('applyCanvasEdit: fields', () => {
  it("sets a new task key in Dagstream's order, replaces and removes values in place", () => {
    const withRetries = apply(WEATHER_TEXT, { kind: 'setTaskField', taskId: 'load', path: ['retries'], value: 3 });
    expect(Object.keys(tasksOf(withRetries.text)[2]!)).toEqual([
      'task_id',
      'operator',
      'database',
      'sql',
      'upstream',
      'trigger_rule',
      'retries',
      'position',
    ]);
    const withEnv = apply(withRetries.text, { kind: 'setTaskField', taskId: 'transform', path: ['env', 'CITY'], value: 'Lisbon' });
    expect(tasksOf(withEnv.text)[1]?.env).toEqual({ CITY: 'Lisbon' });
    const sql = apply(withEnv.text, { kind: 'setTaskField', taskId: 'load', path: ['sql'], value: 'SELECT *\nFROM events' });
    expect(tasksOf(sql.text)[2]?.sql).toBe('SELECT *\nFROM events');
    const removed = apply(sql.text, { kind: 'setTaskField', taskId: 'load', path: ['retries'] });
    expect(tasksOf(removed.text)[2]).not.toHaveProperty('retries');
    expect(removed.text).toBe(canonical(JSON.parse(removed.text)));
  });

  it('changes nothing when the value is already there', () => {
    const result = applyCanvasEdit(WEATHER_TEXT, { kind: 'setTaskField', taskId: 'load', path: ['trigger_rule'], value: 'all_done' });
    expect(result.ok && result.replacements).toEqual([]);
  });

  it('sets DAG settings, creating default_args keys, and refuses to touch tasks as a setting', () => {
    const scheduled = apply(WEATHER_TEXT, { kind: 'setDagField', path: ['schedule'], value: '0 6 * * *' });
    const described = apply(scheduled.text, { kind: 'setDagField', path: ['description'], value: 'Heat waves' });
    const delayed = apply(described.text, { kind: 'setDagField', path: ['default_args', 'retry_delay'], value: '10m' });
    const dag = JSON.parse(delayed.text) as JsonObject;
    expect(Object.keys(dag)).toEqual([
      'version',
      'dag_id',
      'description',
      'schedule',
      'start_date',
      'default_args',
      'owner_notes',
      'tasks',
    ]);
    expect(dag.schedule).toBe('0 6 * * *');
    expect(dag.default_args).toEqual({ retries: 1, retry_delay: '10m' });
    expect(apply(delayed.text, { kind: 'setDagField', path: ['schedule'], value: null }).text).toContain('"schedule": null');
    expect(refusal(WEATHER_TEXT, { kind: 'setDagField', path: ['tasks'], value: [] })).toMatch(/canvas/);
  });
});

describe('applyCanvasEdit: copy, paste and duplicate', () => {
  const copied = JSON.stringify([WEATHER.tasks[1], WEATHER.tasks[2]]);

  it('pastes into the same DAG under new ids, links between copies following them', () => {
    const result = apply(WEATHER_TEXT, { kind: 'pasteTasks', text: copied, position: { x: 100, y: 300 } });
    expect(result.select).toEqual(['transform_1', 'load_1']);
    const [transform, load] = tasksOf(result.text).slice(3);
    expect(transform).toMatchObject({ task_id: 'transform_1', upstream: ['extract'], x_note: 'kept', position: { x: 100, y: 300 } });
    expect(load).toMatchObject({ task_id: 'load_1', upstream: ['transform_1', 'extract'], position: { x: 380, y: 300 } });
  });

  it('keeps ids when pasting into another DAG and drops links to tasks that are not there', () => {
    const other = canonical({ version: 1, dag_id: 'other', tasks: [] });
    const result = apply(other, { kind: 'pasteTasks', text: copied });
    expect(tasksOf(result.text).map((t) => [t.task_id, t.upstream])).toEqual([
      ['transform', []],
      ['load', ['transform']],
    ]);
  });

  it('pastes a task copied from the text, and refuses text without tasks', () => {
    const result = apply(WEATHER_TEXT, { kind: 'pasteTasks', text: '{ "task_id": "extract", "operator": "empty", }' });
    expect(result.select).toEqual(['extract_1']);
    expect(refusal(WEATHER_TEXT, { kind: 'pasteTasks', text: 'hello' })).toMatch(/no tasks to paste/);
  });

  it('duplicates tasks next to the originals, running after the same tasks', () => {
    const result = apply(WEATHER_TEXT, { kind: 'duplicateTasks', taskIds: ['load'] });
    expect(result.select).toEqual(['load_1']);
    expect(tasksOf(result.text).at(-1)).toMatchObject({
      task_id: 'load_1',
      upstream: ['transform', 'extract'],
      position: { x: 600, y: 40 },
    });
  });
});

describe('applyCanvasEdit: documents it cannot edit', () => {
  it('refuses to edit text with JSON syntax errors or without a tasks list', () => {
    expect(refusal('{ "tasks": [ }', { kind: 'addTask', operator: 'empty', position: { x: 0, y: 0 } })).toMatch(/syntax errors/);
    expect(refusal('{ "tasks": 3 }', { kind: 'addTask', operator: 'empty', position: { x: 0, y: 0 } })).toMatch(/not a list/);
    expect(refusal('[]', { kind: 'addTask', operator: 'empty', position: { x: 0, y: 0 } })).toMatch(/not a JSON object/);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: any gesture on any DAG keeps the file's layout, does exactly what it says to the
// model, and undoing it by the opposite gesture gives back the very same text.

const IDS = ['a', 'b', 'c', 'd', 'e', 'f'];
const layoutArb = fc.record({ indent: fc.constantFrom<number | string>(2, 4, '\t'), eol: fc.constantFrom('\n', '\r\n') });
const extraArb = fc.dictionary(
  fc.constantFrom('x_note', 'owner', 'doc_md', 'pool'),
  fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null)),
  { maxKeys: 2 },
);
const dagArb = fc
  .record({
    count: fc.integer({ min: 1, max: IDS.length }),
    operators: fc.array(fc.constantFrom(...OPERATORS), { minLength: IDS.length, maxLength: IDS.length }),
    links: fc.array(fc.tuple(fc.nat(IDS.length - 1), fc.nat(IDS.length - 1)), { maxLength: 8 }),
    extras: fc.array(extraArb, { minLength: IDS.length, maxLength: IDS.length }),
    positions: fc.array(fc.option(fc.record({ x: fc.integer({ min: -500, max: 500 }), y: fc.integer({ min: -500, max: 500 }) })), {
      minLength: IDS.length,
      maxLength: IDS.length,
    }),
    upstreamFirst: fc.boolean(),
  })
  .map(({ count, operators, links, extras, positions, upstreamFirst }) => {
    const tasks = IDS.slice(0, count).map((taskId, i) => {
      // Only links to earlier tasks, so the generated DAG is acyclic.
      const upstream = [...new Set(links.filter(([from, to]) => to === i && from < i).map(([from]) => IDS[from]!))];
      const task: JsonObject = upstreamFirst
        ? { upstream, task_id: taskId, operator: operators[i]! }
        : { task_id: taskId, operator: operators[i]!, upstream };
      Object.assign(task, extras[i]);
      const position = positions[i];
      if (position) task.position = position;
      return task;
    });
    return { version: 1, dag_id: 'generated', schedule: null, tasks } as JsonObject & { tasks: JsonObject[] };
  });

const idArb = fc.constantFrom(...IDS, 'ghost');
const gestureArb: fc.Arbitrary<DagEdit> = fc.oneof(
  fc.record({
    kind: fc.constant('addTask' as const),
    operator: fc.constantFrom(...OPERATORS),
    position: fc.record({ x: fc.double({ min: -1e4, max: 1e4, noNaN: true }), y: fc.integer() }),
  }),
  fc.record({
    kind: fc.constant('deleteElements' as const),
    taskIds: fc.subarray(IDS),
    links: fc.array(fc.record({ source: idArb, target: idArb }), { maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('renameTask' as const), taskId: idArb, newTaskId: fc.constantFrom('renamed', 'b', 'x.y-z') }),
  fc.record({
    kind: fc.constant('moveTasks' as const),
    moves: fc.array(fc.record({ taskId: idArb, position: fc.record({ x: fc.integer(), y: fc.integer() }) }), { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('connect' as const), source: idArb, target: idArb }),
  fc.record({
    kind: fc.constant('setTaskField' as const),
    taskId: idArb,
    path: fc.constantFrom<string[]>(['retries'], ['trigger_rule'], ['env', 'K'], ['x_note'], ['pool']).map((p) => [...p]),
    value: fc.option(fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant<JsonValue>({ nested: [1, 'two'] })), {
      nil: undefined,
    }),
  }),
  fc.record({ kind: fc.constant('duplicateTasks' as const), taskIds: fc.subarray(IDS, { minLength: 1 }) }),
);

/** What the gesture must do to the parsed document (key order aside), when the host accepts it. */
function expectedModel(before: { tasks: JsonObject[] } & JsonObject, edit: DagEdit, select: string[]): JsonObject | undefined {
  const dag = structuredClone(before);
  const find = (id: string): JsonObject | undefined => dag.tasks.find((t) => t.task_id === id);
  switch (edit.kind) {
    case 'deleteElements': {
      const deleted = new Set(edit.taskIds);
      dag.tasks = dag.tasks.filter((t) => !deleted.has(String(t.task_id)));
      for (const task of dag.tasks) {
        if (!Array.isArray(task.upstream)) continue;
        task.upstream = task.upstream.filter(
          (u) => !deleted.has(String(u)) && !edit.links.some((l) => l.source === u && l.target === task.task_id),
        );
      }
      return dag;
    }
    case 'renameTask': {
      const task = find(edit.taskId);
      if (!task || edit.newTaskId === edit.taskId) return dag;
      task.task_id = edit.newTaskId;
      for (const other of dag.tasks)
        if (Array.isArray(other.upstream)) other.upstream = other.upstream.map((u) => (u === edit.taskId ? edit.newTaskId : u));
      return dag;
    }
    case 'moveTasks':
      for (const move of edit.moves) {
        const task = find(move.taskId);
        if (task) task.position = { x: Math.round(move.position.x), y: Math.round(move.position.y) };
      }
      return dag;
    case 'connect':
      (find(edit.target)!.upstream as JsonValue[]).push(edit.source);
      return dag;
    case 'setTaskField': {
      const task = find(edit.taskId)!;
      const [key, nested] = edit.path as [string, string | undefined];
      if (nested === undefined) {
        if (edit.value === undefined) Reflect.deleteProperty(task, key);
        else task[key] = edit.value;
      } else if (edit.value === undefined) {
        const inner = task[key];
        if (inner && typeof inner === 'object' && !Array.isArray(inner)) Reflect.deleteProperty(inner, nested);
      } else {
        const inner = task[key];
        if (inner && typeof inner === 'object' && !Array.isArray(inner)) inner[nested] = edit.value;
        else task[key] = { [nested]: edit.value };
      }
      return dag;
    }
    default:
      // add and duplicate: checked through the ids they report.
      expect(select.length).toBeGreaterThan(0);
      return undefined;
  }
}

/** Sorts keys so that models compare regardless of key order. */
function sortedKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortedKeys(value[k]!)]),
    );
  return value;
}

describe('applyCanvasEdit: properties', () => {
  it('keeps a canonically laid out file canonical, whatever the indentation and line endings', () => {
    fc.assert(
      fc.property(dagArb, layoutArb, fc.array(gestureArb, { minLength: 1, maxLength: 6 }), (dag, { indent, eol }, gestures) => {
        let text = canonical(dag, indent, eol);
        for (const gesture of gestures) {
          const result = applyCanvasEdit(text, gesture);
          if (!result.ok) continue;
          expect(applyReplacements(text, result.replacements)).toBe(result.text);
          text = result.text;
          expect(text).toBe(canonical(JSON.parse(text), indent, eol));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('does to the model exactly what the gesture says, and keeps the order of existing keys', () => {
    fc.assert(
      fc.property(dagArb, gestureArb, fc.constantFrom<number | string>(0, 2, '\t'), (dag, gesture, indent) => {
        // 0: the whole file on one line, which must stay valid and on one line.
        const text = canonical(dag, indent);
        const result = applyCanvasEdit(text, gesture);
        if (!result.ok) return;
        const after = JSON.parse(result.text) as JsonObject & { tasks: JsonObject[] };
        if (indent === 0) expect(result.text.trim()).not.toContain('\n');
        const expected = expectedModel(dag, gesture, result.select);
        if (expected) expect(sortedKeys(after)).toEqual(sortedKeys(expected));
        for (const task of dag.tasks) {
          const renamed = gesture.kind === 'renameTask' && gesture.taskId === task.task_id ? gesture.newTaskId : task.task_id;
          const now = after.tasks.find((t) => t.task_id === renamed);
          if (!now) continue;
          const kept = Object.keys(task).filter((k) => k in now);
          expect(Object.keys(now).filter((k) => k in task)).toEqual(kept);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('gives back the very same text when a gesture is undone by its opposite', () => {
    fc.assert(
      fc.property(dagArb, layoutArb, fc.nat(), fc.nat(), (dag, { indent, eol }, i, j) => {
        const text = canonical(dag, indent, eol);
        const ids = dag.tasks.map((t) => String(t.task_id));
        const source = ids[i % ids.length]!;
        const target = ids[j % ids.length]!;
        const roundTrip = (forward: DagEdit, backward: (select: string[]) => DagEdit): void => {
          const there = applyCanvasEdit(text, forward);
          if (!there.ok) return;
          const back = applyCanvasEdit(there.text, backward(there.select));
          expect(back.ok && back.text).toBe(text);
        };
        roundTrip({ kind: 'connect', source, target }, () => ({ kind: 'deleteElements', taskIds: [], links: [{ source, target }] }));
        roundTrip({ kind: 'addTask', operator: 'bash', position: { x: 1, y: 2 } }, (select) => ({
          kind: 'deleteElements',
          taskIds: select,
          links: [],
        }));
        roundTrip({ kind: 'renameTask', taskId: source, newTaskId: 'renamed' }, () => ({
          kind: 'renameTask',
          taskId: 'renamed',
          newTaskId: source,
        }));
        roundTrip({ kind: 'setTaskField', taskId: source, path: ['retries'], value: 2 }, () => ({
          kind: 'setTaskField',
          taskId: source,
          path: ['retries'],
        }));
        roundTrip({ kind: 'duplicateTasks', taskIds: [source, target] }, (select) => ({
          kind: 'deleteElements',
          taskIds: select,
          links: [],
        }));
        const position = dag.tasks[i % ids.length]!.position as { x: number; y: number } | undefined;
        if (position) {
          roundTrip({ kind: 'moveTasks', moves: [{ taskId: source, position: { x: 7, y: 7 } }] }, () => ({
            kind: 'moveTasks',
            moves: [{ taskId: source, position }],
          }));
        }
      }),
      { numRuns: 400 },
    );
  });
});
