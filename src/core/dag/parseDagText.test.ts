import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNewDag, serializeDag } from './createNewDag';
import { parseDagText } from './parseDagText';

function dagWith(tasks: unknown[]): string {
  return JSON.stringify({ version: 1, dag_id: 'd', schedule: null, tasks }, null, 2);
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

  it('locates invalid JSON by line and column', () => {
    const parsed = parseDagText('{\n  "version": 1,\n  "dag_id": "x"\n  "tasks": []\n}');
    expect(parsed.problems[0]).toMatchObject({ code: 'invalid-json', range: { start: { line: 3, character: 2 } } });
    expect(parsed.problems[0]?.message).toContain('comma expected');
  });

  it('names the whole cycle in execution order and points at the closing upstream entry', () => {
    const text = dagWith([
      { task_id: 'extract', operator: 'empty', upstream: ['load'] },
      { task_id: 'transform', operator: 'empty', upstream: ['extract'] },
      { task_id: 'load', operator: 'empty', upstream: ['transform'] },
    ]);
    const cycles = parseDagText(text).problems.filter((p) => p.code === 'cycle');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.message).toMatch(/(extract -> transform -> load -> extract|transform -> load -> extract -> transform|load -> extract -> transform -> load)/);
    const { offset, length } = cycles[0]!.range;
    expect(JSON.parse(text.slice(offset, offset + length))).toBeTypeOf('string');
  });

  it('reports duplicates, unknown upstreams, self-dependencies, unknown operators and trigger rules', () => {
    const parsed = parseDagText(
      dagWith([
        { task_id: 'a', operator: 'bash', upstream: ['a', 'ghost'] },
        { task_id: 'a', operator: 'empty' },
        { task_id: 'b', operator: 'teleport', trigger_rule: 'sometimes' },
      ]),
    );
    expect(parsed.problems.map((p) => p.code).sort()).toEqual(
      ['duplicate-task-id', 'self-dependency', 'unknown-operator', 'unknown-trigger-rule', 'unknown-upstream'].sort(),
    );
    expect(parsed.problems.find((p) => p.code === 'unknown-upstream')?.message).toContain('"ghost"');
  });

  it('rejects other file versions with a message that says what to do', () => {
    const parsed = parseDagText('{"version": 2, "dag_id": "x", "tasks": []}');
    expect(parsed.problems[0]?.message).toMatch(/version 2.*reads version 1/);
  });

  it('never throws and always returns well-formed ranges, whatever the input', () => {
    const template = serializeDag(createNewDag('weather', '2026-01-01'));
    const mutation = fc.tuple(fc.nat(template.length), fc.nat(8), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (edits) => {
        let text = template;
        for (const [at, remove, insert] of edits) text = text.slice(0, at) + insert + text.slice(at + remove);
        const parsed = parseDagText(text);
        for (const problem of parsed.problems) {
          expect(problem.range.offset).toBeGreaterThanOrEqual(0);
          expect(problem.range.offset + problem.range.length).toBeLessThanOrEqual(text.length);
          expect(problem.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
