import { describe, expect, it } from 'vitest';
import { findCycle } from './findCycle';

const graph = (entries: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(entries));

describe('findCycle', () => {
  it('returns undefined for an acyclic graph', () => {
    expect(findCycle(graph({ a: [], b: ['a'], c: ['a', 'b'] }))).toBeUndefined();
  });

  it('returns a two-task cycle in execution order, closed', () => {
    expect(findCycle(graph({ load: ['extract'], extract: ['load'] }))).toEqual(['extract', 'load', 'extract']);
  });

  it('ignores unknown upstream ids (reported elsewhere)', () => {
    expect(findCycle(graph({ a: ['ghost'] }))).toBeUndefined();
  });

  it('handles a chain of 50,000 tasks without overflowing the stack', () => {
    const entries: Record<string, string[]> = { t0: [] };
    for (let i = 1; i < 50_000; i++) entries[`t${i}`] = [`t${i - 1}`];
    expect(findCycle(graph(entries))).toBeUndefined();
    entries.t0 = ['t49999'];
    expect(findCycle(graph(entries))).toHaveLength(50_001);
  });
});
