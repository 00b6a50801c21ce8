import { describe, expect, it } from 'vitest';
import { createNewDag, serializeDag } from '../../core/dag/createNewDag';
import { parseDagText } from '../../core/dag/parseDagText';
import { describeDagDocument } from './describeDagDocument';
import { parseDagTree, toDagGraphDto, toProblemDto } from './toDagGraphDto';

describe('toDagGraphDto', () => {
  it('turns the new-DAG template into two nodes, one edge and previews', () => {
    const graph = toDagGraphDto(parseDagText(serializeDag(createNewDag('weather', '2026-01-01'))));
    expect(graph?.dagId).toBe('weather');
    expect(graph?.tasks.map((t) => [t.taskId, t.upstream, t.position])).toEqual([
      ['extract', [], { x: 0, y: 0 }],
      ['load', ['extract'], { x: 280, y: 0 }],
    ]);
    expect(graph?.tasks[0]?.preview).toMatch(/^echo/);
  });

  it('truncates long previews to one line and drops malformed positions', () => {
    const text = JSON.stringify({
      version: 1,
      dag_id: 'x',
      tasks: [{ task_id: 't', operator: 'bash', bash_command: `${'x'.repeat(100)}\nsecond line`, position: { x: 'left' } }],
    });
    const task = toDagGraphDto(parseDagText(text))?.tasks[0];
    expect(task?.preview).toHaveLength(60);
    expect(task?.position).toBeUndefined();
  });

  it('carries each task and the DAG settings exactly as written, for the inspector', () => {
    const text = serializeDag(createNewDag('weather', '2026-01-01'));
    const graph = toDagGraphDto(parseDagText(text), parseDagTree(text));
    expect(Object.keys(graph?.settings ?? {})).not.toContain('tasks');
    expect(graph?.settings.default_args).toEqual({ retries: 1, retry_delay: '5m' });
    expect(graph?.tasks[1]?.values).toEqual(createNewDag('weather', '2026-01-01').tasks[1]);
  });

  it('has no graph for text that is not a DAG, and converts problems to line/character ranges', () => {
    const parsed = parseDagText('[1, 2]');
    expect(toDagGraphDto(parsed)).toBeUndefined();
    expect(toProblemDto(parsed.problems[0]!).range).toEqual({ startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 6 });
  });
});

describe('describeDagDocument', () => {
  it('locates problems by JSON path and marks the links they are about', () => {
    const text = JSON.stringify(
      {
        version: 1,
        dag_id: 'x',
        schedule: 'every day',
        tasks: [
          { task_id: 'a', operator: 'empty', upstream: ['b'], retries: -1 },
          { task_id: 'b', operator: 'empty', upstream: ['a', 'ghost'] },
        ],
      },
      null,
      2,
    );
    const { problems } = describeDagDocument(text);
    const byCode = new Map(problems.map((p) => [p.code, p]));
    expect(byCode.get('invalid-schedule')?.path).toEqual(['schedule']);
    expect(byCode.get('unknown-upstream')).toMatchObject({
      taskId: 'b',
      path: ['tasks', 1, 'upstream', 1],
      link: { source: 'ghost', target: 'b' },
    });
    expect(byCode.get('cycle')?.link).toBeDefined();
    expect(problems.find((p) => p.taskId === 'a' && p.path?.[2] === 'retries')).toBeDefined();
  });
});
