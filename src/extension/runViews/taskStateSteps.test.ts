import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskRunStateDto } from '../../protocol/canvasRunProtocol';
import { LatestByKeyCoalescer } from '../engine/LatestByKeyCoalescer';
import { TASK_STATE_STEPS } from './taskStateSteps';

describe('TASK_STATE_STEPS', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets queued through when the scheduler moves a task queued -> running in one pass', () => {
    const batches: TaskRunStateDto[][] = [];
    const coalescer = new LatestByKeyCoalescer<TaskRunStateDto>((states) => batches.push(states), 16, TASK_STATE_STEPS);
    const base = { taskId: 'extract', tryNumber: 1, maxTries: 1 };
    coalescer.push('extract', { ...base, state: 'scheduled' });
    coalescer.push('extract', { ...base, state: 'queued' });
    coalescer.push('extract', { ...base, state: 'running', startDate: '2026-11-25T00:00:00Z' });
    // A streaming task's progress while running: the same state, only its last figures matter.
    coalescer.push('extract', { ...base, state: 'running', startDate: '2026-11-25T00:00:00Z', messagesPerSecond: 10 });
    coalescer.push('extract', { ...base, state: 'running', startDate: '2026-11-25T00:00:00Z', messagesPerSecond: 12 });
    vi.advanceTimersByTime(16);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((s) => s.state)).toEqual(['scheduled', 'queued', 'running']);
    expect(batches[0]!.at(-1)?.messagesPerSecond).toBe(12);
  });

  it('counts a retry (a new try of the same state) as a step of its own', () => {
    const batches: TaskRunStateDto[][] = [];
    const coalescer = new LatestByKeyCoalescer<TaskRunStateDto>((states) => batches.push(states), 16, TASK_STATE_STEPS);
    coalescer.push('t', { taskId: 't', state: 'running', tryNumber: 1, maxTries: 2 });
    coalescer.push('t', { taskId: 't', state: 'running', tryNumber: 2, maxTries: 2 });
    coalescer.flush();
    expect(batches[0]!.map((s) => s.tryNumber)).toEqual([1, 2]);
  });
});
