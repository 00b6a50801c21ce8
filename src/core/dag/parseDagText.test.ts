import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNewDag, serializeDag } from './createNewDag';
import { parseDagText, type ParsedDag } from './parseDagText';

const WEATHER_TEXT = readFileSync(path.resolve(__dirname, '../../../examples/weather.dag.json'), 'utf8');

function dagWith(tasks: unknown[]): string {
  return JSON.stringify({ version: 1, dag_id: 'd', schedule: null, tasks }, null, 2);
}

/** Each problem as `line:col code` (one-based, as the CLI prints it), in text order. */
function located(text: string): string[] {
  return parseDagText(text).problems.map(
    (p) => `${p.range.start.line + 1}:${p.range.start.character + 1} ${p.severity === 'warning' ? 'warning ' : ''}${p.code}`,
  );
}

function messages(text: string): string[] {
  return parseDagText(text).problems.map((p) => p.message);
}

/** A DAG file whose tasks are written one key per line, so that columns are easy to check. */
function dagText(tasks: string[][], top: string[] = []): string {
  const taskTexts = tasks.map((keys) =>
    ['    {', ...keys.map((k, i) => `      ${k}${i < keys.length - 1 ? ',' : ''}`), '    }'].join('\n'),
  );
  return [
    '{',
    '  "version": 1,',
    '  "dag_id": "d",',
    ...top.map((line) => `  ${line},`),
    '  "tasks": [',
    taskTexts.join(',\n'),
    '  ]',
    '}',
  ].join('\n');
}

describe('parseDagText', () => {
  it('accepts the new-DAG template without problems', () => {
    const parsed = parseDagText(serializeDag(createNewDag('weather', '2026-01-01')));
    expect(parsed.problems).toEqual([]);
    expect(parsed.dag?.tasks.map((t) => [t.task_id, t.upstream])).toEqual([
      ['extract', []],
      ['load', ['extract']],
    ]);
    expect([...parsed.taskRanges.keys()]).toEqual(['extract', 'load']);
  });

  it('accepts examples/weather.dag.json without problems', () => {
    const parsed = parseDagText(WEATHER_TEXT);
    expect(parsed.problems).toEqual([]);
    expect(parsed.dag?.tasks).toHaveLength(6);
  });

  it('locates invalid JSON by line and column', () => {
    const parsed = parseDagText('{\n  "version": 1,\n  "dag_id": "x"\n  "tasks": []\n}');
    expect(parsed.problems[0]).toMatchObject({ code: 'invalid-json', range: { start: { line: 3, character: 2 } } });
    expect(parsed.problems[0]?.message).toContain('comma expected');
  });

  it('rejects a file that is not a JSON object, and missing required top-level keys at the brace', () => {
    expect(located('[]')).toEqual(['1:1 not-an-object']);
    expect(located('{}').sort()).toEqual(['1:1 missing-dag-id', '1:1 missing-tasks', '1:1 missing-version']);
    expect(messages('{"dag_id": "x", "tasks": []}')).toEqual(['Missing "version": add "version": 1.']);
  });

  it('rejects other file versions with a message that says what to do', () => {
    const text = ['{', '  "version": 2,', '  "dag_id": "x",', '  "tasks": []', '}'].join('\n');
    expect(located(text)).toEqual(['2:14 unsupported-version']);
    expect(messages(text)[0]).toMatch(/version 2.*reads version 1/);
  });

  it('rejects a dag_id that Airflow would reject', () => {
    const text = ['{', '  "version": 1,', '  "dag_id": "my dag",', '  "tasks": []', '}'].join('\n');
    expect(located(text)).toEqual(['3:13 invalid-dag-id']);
    expect(messages(text)[0]).toBe(
      '"dag_id" is not valid (got "my dag"). Use letters, digits, "_", "." and "-" only (no spaces), as Airflow ids do.',
    );
  });

  it('reports a missing operator argument at the task, naming the task and the operator', () => {
    const text = dagText([['"task_id": "load"', '"operator": "bash"']]);
    expect(located(text)).toEqual(['5:5 schema-required']);
    expect(messages(text)).toEqual(['Task "load": missing required "bash_command" for operator bash.']);
    expect(parseDagText(text).problems[0]).toMatchObject({ taskId: 'load', path: ['tasks', 0] });
  });

  it('does not require an operator argument that default_args supplies, as Airflow applies it', () => {
    const text = dagText(
      [['"task_id": "report"', '"operator": "sql"', '"sql": "SELECT 1"']],
      ['"default_args": { "database": "data/db.sqlite" }'],
    );
    expect(located(text)).toEqual([]);
  });

  it('reports values of the wrong type, out of range or not allowed at the value', () => {
    const text = dagText([
      ['"task_id": "a"', '"operator": "empty"', '"retries": "3"', '"pool_slots": 0'],
      ['"task_id": "fetch"', '"operator": "http"', '"url": "http://x"', '"method": "FETCH"'],
    ]);
    expect(located(text)).toEqual(['8:18 schema-type', '9:21 schema-minimum', '15:17 schema-enum']);
    expect(messages(text)).toEqual([
      'Task "a": "retries" must be a whole number (got "3").',
      'Task "a": "pool_slots" must be at least 1 (got 0).',
      'Task "fetch": "method" must be one of "GET", "POST", "PUT", "PATCH", "DELETE" (got "FETCH").',
    ]);
  });

  it('asks for exactly one of code and code_file, and for one request body', () => {
    const text = dagText([
      ['"task_id": "both"', '"operator": "python"', '"code": "def main(context): pass"', '"code_file": "tasks/main.py"'],
      ['"task_id": "none"', '"operator": "node"'],
      ['"task_id": "post"', '"operator": "http"', '"url": "http://x"', '"data": "a=1"', '"json": {}'],
    ]);
    expect(located(text)).toEqual(['9:7 schema-oneOf', '11:5 schema-oneOf', '20:7 schema-not']);
    expect(messages(text)).toEqual([
      'Task "both": set only one of "code" and "code_file", not both.',
      'Task "none": set exactly one of "code" or "code_file".',
      'Task "post": set "data" or "json", not both.',
    ]);
  });

  it('reports an unknown operator once, suggesting the Dagstream name of an Airflow class', () => {
    const text = dagText([['"task_id": "a"', '"operator": "BashOperator"', '"bash_command": "true"']]);
    expect(located(text)).toEqual(['7:19 unknown-operator']);
    expect(messages(text)[0]).toBe('Task "a" has unknown operator "BashOperator"; Airflow\'s BashOperator is "bash" in Dagstream.');
    expect(messages(dagText([['"task_id": "a"', '"operator": "pyhton"']]))[0]).toContain('did you mean "python"?');
  });

  it('reports duplicate task ids at the second id', () => {
    const text = dagText([
      ['"task_id": "a"', '"operator": "empty"'],
      ['"task_id": "a"', '"operator": "empty"'],
    ]);
    expect(located(text)).toEqual(['10:18 duplicate-task-id']);
  });

  it('reports unknown upstream ids and self-dependencies at the upstream entry', () => {
    const text = dagText([['"task_id": "a"', '"operator": "empty"', '"upstream": ["ghost", "a"]']]);
    expect(located(text)).toEqual(['8:20 unknown-upstream', '8:29 self-dependency']);
    expect(messages(text)[0]).toContain('unknown upstream task "ghost"');
  });

  it('names the whole cycle in execution order and points at the closing upstream entry', () => {
    const text = dagWith([
      { task_id: 'extract', operator: 'empty', upstream: ['load'] },
      { task_id: 'transform', operator: 'empty', upstream: ['extract'] },
      { task_id: 'load', operator: 'empty', upstream: ['transform'] },
    ]);
    const cycles = parseDagText(text).problems.filter((p) => p.code === 'cycle');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.message).toMatch(
      /(extract -> transform -> load -> extract|transform -> load -> extract -> transform|load -> extract -> transform -> load)/,
    );
    const { offset, length } = cycles[0]!.range;
    expect(JSON.parse(text.slice(offset, offset + length))).toBeTypeOf('string');
  });

  it('reports an invalid cron expression at the schedule, once, whatever is wrong with it', () => {
    expect(located(dagText([], ['"schedule": "0 0 * * * *"']))).toEqual(['4:15 invalid-schedule']);
    expect(messages(dagText([], ['"schedule": "0 0 * * * *"']))[0]).toContain('has 6 fields');
    expect(located(dagText([], ['"schedule": "61 * * * *"']))).toEqual(['4:15 invalid-schedule']);
    expect(located(dagText([], ['"schedule": 5']))).toEqual(['4:15 invalid-schedule']);
  });

  it('reports invalid durations on tasks, operator arguments and default_args, once each', () => {
    const text = dagText(
      [
        ['"task_id": "a"', '"operator": "empty"', '"retry_delay": "5 minutes"'],
        ['"task_id": "fetch"', '"operator": "http"', '"url": "http://x"', '"timeout": -5'],
      ],
      ['"default_args": { "execution_timeout": "1x" }'],
    );
    expect(located(text)).toEqual(['4:42 invalid-duration', '9:22 invalid-duration', '15:18 invalid-duration']);
    expect(messages(text)).toEqual([
      'default_args: invalid "execution_timeout". Unknown unit "x" in duration "1x": units are ms, s, m, h, d and w; use seconds (a number such as 90) or a string such as "30s", "5m", "1h30m", "2d" or "250ms".',
      'Task "a": invalid "retry_delay". Spell units with one letter: "5 minutes" uses "minutes"; use seconds (a number such as 90) or a string such as "30s", "5m", "1h30m", "2d" or "250ms".',
      'Task "fetch": invalid "timeout". A duration cannot be negative (got -5); use seconds (a number such as 90) or a string such as "30s", "5m", "1h30m", "2d" or "250ms".',
    ]);
  });

  it('reports unknown trigger rules on tasks and in default_args, naming renamed Airflow rules', () => {
    const text = dagText(
      [['"task_id": "a"', '"operator": "empty"', '"trigger_rule": "sometimes"']],
      ['"default_args": { "trigger_rule": "dummy" }'],
    );
    expect(located(text)).toEqual(['4:37 unknown-trigger-rule', '9:23 unknown-trigger-rule']);
    expect(messages(text)).toEqual([
      'default_args has unknown trigger_rule "dummy"; Airflow renamed it "always"; use that.',
      expect.stringMatching(/^Task "a" has unknown trigger_rule "sometimes"; use one of: all_success, .*, always\.$/),
    ]);
  });

  it('reports dates that are not dates, and an end before the start', () => {
    expect(located(dagText([], ['"start_date": "2026-02-30"']))).toEqual(['4:17 invalid-date']);
    expect(located(dagText([], ['"start_date": "yesterday"']))).toEqual(['4:17 invalid-date']);
    const text = dagText([], ['"start_date": "2026-03-01"', '"end_date": "2026-01-01T00:00:00Z"']);
    expect(located(text)).toEqual(['5:15 end-before-start']);
    expect(messages(text)[0]).toContain('Move end_date after start_date or remove it');
  });

  it('checks each param: its schema, its default against it, and that a scheduled DAG has defaults', () => {
    const text = [
      '{',
      '  "version": 1,',
      '  "dag_id": "d",',
      '  "schedule": "@daily",',
      '  "start_date": "2026-01-01",',
      '  "params": {',
      '    "city": { "type": "string", "default": 5 },',
      '    "n": { "type": "strin", "default": 1 },',
      '    "limit": { "type": "integer" },',
      '    "ref": { "$ref": "#/nowhere", "default": 1 }',
      '  },',
      '  "tasks": []',
      '}',
    ].join('\n');
    expect(located(text)).toEqual([
      '7:44 invalid-param-default',
      '8:20 invalid-param-schema',
      '9:5 param-without-default',
      '10:5 invalid-param-schema',
    ]);
    expect(messages(text).slice(0, 3)).toEqual([
      'Param "city": "default" must be a string (got 5). The default must satisfy the param\'s own schema.',
      'Param "n": "type" must be one of "array", "boolean", "integer", "null", "number", "object", "string" (got "strin"). Did you mean "string"? Fix the param\'s JSON Schema.',
      'Param "limit" has no "default", which a scheduled DAG needs: scheduled runs have nobody to ask for the value. Add a "default".',
    ]);
    expect(messages('{"version": 1, "dag_id": "d", "params": {"city": "Lisbon"}, "tasks": []}')).toEqual([
      'Param "city" must be a JSON Schema with a default, e.g. {"type": "string", "default": "Lisbon"}.',
    ]);
    // Without a schedule, a param without default only makes manual triggers set it.
    expect(located(text.replace('"@daily"', 'null'))).toContain('9:5 warning param-without-default');
  });

  it('warns about likely typos of known keys and Airflow names, and about repeated keys', () => {
    const text = dagText(
      [['"task_id": "a"', '"operator": "bash"', '"bash_comand": "true"', '"retries": 1', '"retries": 2']],
      ['"shedule": null'],
    );
    expect(located(text)).toEqual([
      '4:3 warning unknown-key',
      '6:5 schema-required',
      '9:7 warning unknown-key',
      '10:7 warning duplicate-key',
    ]);
    expect(messages(text)).toEqual([
      'the DAG: unknown key "shedule"; did you mean "schedule"? Unknown keys are ignored.',
      'Task "a": missing required "bash_command" for operator bash.',
      'Task "a": unknown key "bash_comand"; did you mean "bash_command"? Unknown keys are ignored.',
      'Key "retries" appears again later in this object, and the last one wins; remove one of them.',
    ]);
    expect(messages(dagText([['"task_id": "a"', '"operator": "empty"', '"dependencies": []']]))).toEqual([
      'Task "a": Dagstream calls "dependencies" "upstream"; rename the key (unknown keys are ignored).',
    ]);
  });

  it('allows extra keys Airflow users add, without warnings', () => {
    const text = dagText(
      [['"task_id": "a"', '"operator": "bash"', '"bash_command": "true"', '"owner": "data-team"', '"depends_on_past": false']],
      ['"owner_links": {}'],
    );
    expect(located(text)).toEqual([]);
  });

  it('reports tasks it cannot use at the task, and keeps the usable ones in the model', () => {
    const text = dagWith([5, { operator: 'empty' }, { task_id: 'ok', operator: 'empty' }]);
    const parsed = parseDagText(text);
    expect(parsed.problems.map((p) => p.code)).toEqual(['invalid-task', 'invalid-task-id']);
    expect(parsed.problems.map((p) => p.message)).toEqual([
      'Task #1 must be an object with "task_id" and "operator".',
      'Task #2 needs a "task_id": a name unique in the DAG, of letters, digits, "_", "." and "-".',
    ]);
    expect(parsed.dag?.tasks.map((t) => t.task_id)).toEqual(['ok']);
  });

  it('reports several kinds at once, each defect once, in text order', () => {
    const parsed = parseDagText(
      dagWith([
        { task_id: 'a', operator: 'bash', bash_command: 'true', upstream: ['a', 'ghost'] },
        { task_id: 'a', operator: 'empty' },
        { task_id: 'b', operator: 'teleport', trigger_rule: 'sometimes' },
      ]),
    );
    expect(parsed.problems.map((p) => p.code)).toEqual([
      'self-dependency',
      'unknown-upstream',
      'duplicate-task-id',
      'unknown-operator',
      'unknown-trigger-rule',
    ]);
    const offsets = parsed.problems.map((p) => p.range.offset);
    expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
  });

  it('never throws and always returns well-formed ranges, whatever the text (new-DAG template)', () => {
    assertRobustUnderTextEdits(serializeDag(createNewDag('weather', '2026-01-01')), 2000);
  });

  it('never throws and always returns well-formed ranges, whatever the text (weather example)', () => {
    assertRobustUnderTextEdits(WEATHER_TEXT, 2000);
  });

  it('never throws and always returns well-formed ranges when any value of the weather example is replaced', () => {
    const document = JSON.parse(WEATHER_TEXT) as unknown;
    const paths = valuePaths(document);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(paths.length - 1), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 3 }),
        (replacements) => {
          const copy = JSON.parse(WEATHER_TEXT) as unknown;
          for (const [index, value] of replacements) replaceAt(copy, paths[index] ?? [], value);
          const text = JSON.stringify(copy, null, 2);
          assertWellFormed(text, parseDagText(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

function assertRobustUnderTextEdits(template: string, numRuns: number): void {
  const mutation = fc.tuple(fc.nat(template.length), fc.nat(8), fc.string({ maxLength: 6 }));
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (edits) => {
      let text = template;
      for (const [at, remove, insert] of edits) text = text.slice(0, at) + insert + text.slice(at + remove);
      assertWellFormed(text, parseDagText(text));
    }),
    { numRuns },
  );
}

function assertWellFormed(text: string, parsed: ParsedDag): void {
  let previous = 0;
  for (const problem of parsed.problems) {
    const { offset, length, start, end } = problem.range;
    expect(offset).toBeGreaterThanOrEqual(previous);
    expect(offset + length).toBeLessThanOrEqual(text.length);
    expect(end.line > start.line || (end.line === start.line && end.character >= start.character)).toBe(true);
    expect(problem.message.length).toBeGreaterThan(0);
    expect(problem.message).not.toMatch(/undefined|\[object Object\]/);
    previous = offset;
  }
}

type Path = (string | number)[];

/** The path of every value in a JSON document, containers included, the root excepted. */
function valuePaths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...valuePaths(child, [...prefix, key])]);
}

function replaceAt(document: unknown, path: Path, value: unknown): void {
  let node = document;
  for (const segment of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string | number, unknown>)[segment];
  }
  const last = path[path.length - 1];
  if (node !== null && typeof node === 'object' && last !== undefined) (node as Record<string | number, unknown>)[last] = value;
}
