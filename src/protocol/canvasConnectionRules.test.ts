import { describe, expect, it } from 'vitest';
import { findConnectionProblem } from './canvasConnectionRules';

const chain = [
  { taskId: 'extract', upstream: [] },
  { taskId: 'transform', upstream: ['extract'] },
  { taskId: 'load', upstream: ['transform'] },
  { taskId: 'report', upstream: [] },
];

describe('findConnectionProblem', () => {
  it('allows a link that keeps the graph acyclic', () => {
    expect(findConnectionProblem(chain, 'load', 'report')).toBeUndefined();
    expect(findConnectionProblem(chain, 'extract', 'load')).toBeUndefined();
  });

  it('refuses a link that closes a cycle and names the cycle in execution order', () => {
    expect(findConnectionProblem(chain, 'load', 'extract')).toBe(
      'This link would make a cycle: extract -> transform -> load -> extract. A DAG cannot loop; remove a link of the cycle first.',
    );
    expect(findConnectionProblem(chain, 'transform', 'extract')).toContain('extract -> transform -> extract');
  });

  it('refuses self links, duplicates and unknown tasks', () => {
    expect(findConnectionProblem(chain, 'load', 'load')).toContain('cannot depend on itself');
    expect(findConnectionProblem(chain, 'extract', 'transform')).toContain('already runs after');
    expect(findConnectionProblem(chain, 'nope', 'load')).toContain('no task "nope"');
  });

  it('ignores unknown upstream ids and existing cycles elsewhere', () => {
    const tasks = [
      { taskId: 'a', upstream: ['ghost', 'b'] },
      { taskId: 'b', upstream: ['a'] },
      { taskId: 'c', upstream: [] },
      { taskId: 'd', upstream: [] },
    ];
    expect(findConnectionProblem(tasks, 'c', 'd')).toBeUndefined();
  });

  it('answers quickly on a long chain', () => {
    const tasks = Array.from({ length: 5000 }, (_, i) => ({ taskId: `t${i}`, upstream: i === 0 ? [] : [`t${i - 1}`] }));
    expect(findConnectionProblem(tasks, 't4999', 't0')).toMatch(/^This link would make a cycle: t0 -> t1 -> /);
  });
});
