import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LatestByKeyCoalescer } from './LatestByKeyCoalescer';

describe('LatestByKeyCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers one batch per window with the last value of each key', () => {
    const batches: Array<Array<{ task: string; state: string }>> = [];
    const coalescer = new LatestByKeyCoalescer<{ task: string; state: string }>((values) => batches.push(values), 16);
    for (const state of ['scheduled', 'queued', 'running', 'success']) coalescer.push('a', { task: 'a', state });
    coalescer.push('b', { task: 'b', state: 'queued' });
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(16);
    expect(batches).toEqual([
      [
        { task: 'a', state: 'success' },
        { task: 'b', state: 'queued' },
      ],
    ]);
    vi.advanceTimersByTime(100);
    expect(batches).toHaveLength(1);
  });

  it('turns 1,000 changes a second for 10 s into at most one batch per window and keeps every final state', () => {
    const delivered = new Map<string, number>();
    let batches = 0;
    let largest = 0;
    const coalescer = new LatestByKeyCoalescer<{ task: string; seq: number }>((values) => {
      batches += 1;
      largest = Math.max(largest, values.length);
      for (const v of values) delivered.set(v.task, v.seq);
    }, 16);
    const last = new Map<string, number>();
    // 10,000 changes over 10 s on 300 tasks: one change per millisecond.
    for (let seq = 0; seq < 10_000; seq += 1) {
      const task = `t${(seq * 7) % 300}`;
      coalescer.push(task, { task, seq });
      last.set(task, seq);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(16);
    expect(batches).toBeLessThanOrEqual(Math.ceil(10_000 / 16) + 1);
    expect(batches).toBeGreaterThan(500);
    expect(largest).toBeLessThanOrEqual(17);
    expect(delivered).toEqual(last);
  });

  it('flush delivers at once; discard drops the window; dispose stops it for good', () => {
    const batches: number[][] = [];
    const coalescer = new LatestByKeyCoalescer<number>((values) => batches.push(values), 16);
    coalescer.push('x', 1);
    coalescer.flush();
    expect(batches).toEqual([[1]]);
    coalescer.push('x', 2);
    coalescer.discard();
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([[1]]);
    coalescer.dispose();
    coalescer.push('x', 3);
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([[1]]);
    expect(coalescer.pendingCount).toBe(0);
  });

  it('delivers in the order of the last change', () => {
    const batches: string[][] = [];
    const coalescer = new LatestByKeyCoalescer<string>((values) => batches.push(values), 16);
    coalescer.push('a', 'a1');
    coalescer.push('b', 'b1');
    coalescer.push('a', 'a2');
    coalescer.flush();
    expect(batches).toEqual([['b1', 'a2']]);
  });

  describe('with steps', () => {
    type Change = { task: string; state: string; n?: number };
    const steps = { sameStep: (a: Change, b: Change) => a.state === b.state, maxPerKey: 3 };

    it('keeps each distinct step of a key in order, the last value of each', () => {
      const batches: Change[][] = [];
      const coalescer = new LatestByKeyCoalescer<Change>((values) => batches.push(values), 16, steps);
      coalescer.push('a', { task: 'a', state: 'queued' });
      coalescer.push('a', { task: 'a', state: 'running', n: 1 });
      coalescer.push('b', { task: 'b', state: 'running' });
      coalescer.push('a', { task: 'a', state: 'running', n: 2 });
      expect(coalescer.pendingCount).toBe(3);
      vi.advanceTimersByTime(16);
      expect(batches).toEqual([
        [
          { task: 'b', state: 'running' },
          { task: 'a', state: 'queued' },
          { task: 'a', state: 'running', n: 2 },
        ],
      ]);
    });

    it('drops the oldest steps past maxPerKey and always keeps the last', () => {
      const batches: Change[][] = [];
      const coalescer = new LatestByKeyCoalescer<Change>((values) => batches.push(values), 16, steps);
      for (const state of ['scheduled', 'queued', 'running', 'failed', 'up_for_retry']) coalescer.push('a', { task: 'a', state });
      coalescer.flush();
      expect(batches.map((b) => b.map((c) => c.state))).toEqual([['running', 'failed', 'up_for_retry']]);
    });

    it('starts every window afresh: a repeated step in the next window is delivered again', () => {
      const batches: string[][] = [];
      const coalescer = new LatestByKeyCoalescer<Change>((values) => batches.push(values.map((c) => c.state)), 16, steps);
      coalescer.push('a', { task: 'a', state: 'running' });
      vi.advanceTimersByTime(16);
      coalescer.push('a', { task: 'a', state: 'running' });
      coalescer.push('a', { task: 'a', state: 'success' });
      vi.advanceTimersByTime(16);
      expect(batches).toEqual([['running'], ['running', 'success']]);
    });
  });
});
