import { describe, expect, it } from 'vitest';
import type { ProblemDto } from '../../src/protocol/dagGraphDto';
import { groupDagProblems, groupTaskProblems } from './groupProblems';

const range = { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 1 };
const problem = (message: string, extra: Partial<ProblemDto>): ProblemDto => ({ severity: 'error', code: 'x', message, range, ...extra });

describe('groupProblems', () => {
  const problems = [
    problem('bad retries', { taskId: 'a', path: ['tasks', 0, 'retries'] }),
    problem('bad env', { taskId: 'a', path: ['tasks', 0, 'env', 'X'] }),
    problem('missing sql', { taskId: 'a', path: ['tasks', 0] }),
    problem('cycle', { taskId: 'a', path: ['tasks', 0, 'upstream', 0] }),
    problem('other task', { taskId: 'b', path: ['tasks', 1, 'retries'] }),
    problem('bad schedule', { path: ['schedule'] }),
    problem('bad delay', { path: ['default_args', 'retry_delay'] }),
    problem('broken json', {}),
  ];

  it("puts a task's problems beside its fields", () => {
    const grouped = groupTaskProblems(problems, 'a');
    expect([...grouped.byField.entries()].map(([k, v]) => [k, v.map((p) => p.message)])).toEqual([
      ['retries', ['bad retries']],
      ['env', ['bad env']],
    ]);
    expect(grouped.general.map((p) => p.message)).toEqual(['missing sql', 'cycle']);
  });

  it('puts DAG problems beside DAG settings and default_args keys', () => {
    const grouped = groupDagProblems(problems);
    expect(grouped.byField.get('schedule')?.[0]?.message).toBe('bad schedule');
    expect(grouped.byField.get('default_args.retry_delay')?.[0]?.message).toBe('bad delay');
    expect(grouped.general.map((p) => p.message)).toEqual(['broken json']);
  });
});
