import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskRunStateDto, TaskStateName } from '../../src/protocol/canvasRunProtocol';
import { TaskStatePacer } from './TaskStatePacer';

function ti(taskId: string, state: TaskStateName, extra: Partial<TaskRunStateDto> = {}): TaskRunStateDto {
  return { taskId, state, tryNumber: 1, maxTries: 1, ...extra };
}

/** What is on screen, and every state each task was drawn with, in order. */
function screen() {
  const drawn = new Map<string, TaskRunStateDto>();
  const history = new Map<string, string[]>();
  const calls: number[] = [];
  const draw = (states: TaskRunStateDto[], reset: boolean): void => {
    calls.push(Date.now());
    if (reset) drawn.clear();
    for (const state of states) {
      drawn.set(state.taskId, state);
      history.set(state.taskId, [...(history.get(state.taskId) ?? []), state.state]);
    }
  };
  return { drawn, history, calls, draw };
}

const options = {
  minShowMs: 150,
  maxWaiting: 3,
  now: () => Date.now(),
  setTimer: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimer: (timer: unknown) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

describe('TaskStatePacer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows queued, running and success of a task that goes through them in one batch, each for 150 ms', () => {
    const s = screen();
    const pacer = new TaskStatePacer(s.draw, options);
    pacer.push([ti('a', 'scheduled')]);
    vi.advanceTimersByTime(1000);
    pacer.push([ti('a', 'queued'), ti('a', 'running'), ti('a', 'success')]);
    expect(s.drawn.get('a')?.state).toBe('queued');
    vi.advanceTimersByTime(149);
    expect(s.drawn.get('a')?.state).toBe('queued');
    vi.advanceTimersByTime(1);
    expect(s.drawn.get('a')?.state).toBe('running');
    vi.advanceTimersByTime(150);
    expect(s.drawn.get('a')?.state).toBe('success');
    expect(s.history.get('a')).toEqual(['scheduled', 'queued', 'running', 'success']);
    expect(pacer.waitingCount).toBe(0);
  });

  it('holds a state that arrives too soon until the previous one has been shown long enough', () => {
    const s = screen();
    const pacer = new TaskStatePacer(s.draw, options);
    pacer.push([ti('a', 'queued')]);
    vi.advanceTimersByTime(40);
    pacer.push([ti('a', 'running')]);
    expect(s.drawn.get('a')?.state).toBe('queued');
    vi.advanceTimersByTime(110);
    expect(s.drawn.get('a')?.state).toBe('running');
  });

  it('draws updates within the shown state at once, and merges them into a waiting state of the same kind', () => {
    const s = screen();
    const pacer = new TaskStatePacer(s.draw, options);
    pacer.push([ti('a', 'running', { messagesPerSecond: 1 })]);
    pacer.push([ti('a', 'running', { messagesPerSecond: 2 })]);
    expect(s.drawn.get('a')?.messagesPerSecond).toBe(2);
    pacer.push([ti('a', 'success', { durationMs: 5 }), ti('a', 'success', { durationMs: 7 })]);
    expect(pacer.waitingCount).toBe(1);
    vi.advanceTimersByTime(150);
    expect(s.drawn.get('a')).toEqual(ti('a', 'success', { durationMs: 7 }));
  });

  it('treats a new try as a new state', () => {
    const s = screen();
    const pacer = new TaskStatePacer(s.draw, options);
    pacer.push([ti('a', 'running', { tryNumber: 1 })]);
    pacer.push([ti('a', 'running', { tryNumber: 2 })]);
    expect(s.drawn.get('a')?.tryNumber).toBe(1);
    vi.advanceTimersByTime(150);
    expect(s.drawn.get('a')?.tryNumber).toBe(2);
  });

  it('skips the oldest waiting states of a task that changes faster than it can be shown, never its last', () => {
    const s = screen();
    const pacer = new TaskStatePacer(s.draw, options);
    const states: TaskStateName[] = ['scheduled', 'queued', 'running', 'up_for_retry', 'queued', 'running', 'failed'];
    pacer.push(states.map((state) => ti('a', state)));
    expect(pacer.waitingCount).toBe(3);
    vi.advanceTimersByTime(3 * 150);
    expect(s.history.get('a')).toEqual(['scheduled', 'queued', 'running', 'failed']);
    expect(s.drawn.get('a')?.state).toBe('failed');
  });

  it('paces tasks independently and draws the states due together in one call', () => {
    const s = screen();
    const pacer = new TaskStatePacer(s.draw, options);
    pacer.push([ti('a', 'queued'), ti('b', 'queued')]);
    pacer.push([ti('a', 'running'), ti('b', 'running'), ti('c', 'queued')]);
    expect([...s.drawn.values()].map((t) => `${t.taskId}:${t.state}`)).toEqual(['a:queued', 'b:queued', 'c:queued']);
    expect(s.calls).toHaveLength(2);
    vi.advanceTimersByTime(150);
    expect([...s.drawn.values()].map((t) => `${t.taskId}:${t.state}`)).toEqual(['a:running', 'b:running', 'c:queued']);
    expect(s.calls).toHaveLength(3);
  });

  it('reset draws the new picture at once and forgets what was waiting', () => {
    const s = screen();
    const pacer = new TaskStatePacer(s.draw, options);
    pacer.push([ti('a', 'queued'), ti('a', 'running')]);
    pacer.reset([ti('b', 'success')]);
    expect([...s.drawn.keys()]).toEqual(['b']);
    vi.advanceTimersByTime(1000);
    expect([...s.drawn.keys()]).toEqual(['b']);
    expect(pacer.waitingCount).toBe(0);
  });

  it('keeps up with 1,000 changes a second on 300 tasks and ends on every final state', () => {
    const s = screen();
    const pacer = new TaskStatePacer(s.draw, options);
    const cycle: TaskStateName[] = ['scheduled', 'queued', 'running', 'up_for_retry'];
    const finals: TaskStateName[] = ['success', 'failed', 'skipped'];
    const last = new Map<string, TaskStateName>();
    let sent = 0;
    // 16 ms batches (what the host's coalescer sends) for 10 s.
    for (let t = 0; t < 10_000; t += 16) {
      const batch: TaskRunStateDto[] = [];
      for (; sent < t; sent++) {
        const taskId = `t${sent % 300}`;
        const state = 10_000 - sent <= 300 ? finals[sent % 3]! : cycle[Math.floor(sent / 300) % cycle.length]!;
        batch.push(ti(taskId, state));
        last.set(taskId, state);
      }
      pacer.push(batch);
      vi.advanceTimersByTime(16);
    }
    vi.advanceTimersByTime(150 * 3);
    expect(pacer.waitingCount).toBe(0);
    for (const [taskId, state] of last) expect(s.drawn.get(taskId)?.state).toBe(state);
  });

  it('dispose stops the timer', () => {
    const s = screen();
    const pacer = new TaskStatePacer(s.draw, options);
    pacer.push([ti('a', 'queued'), ti('a', 'running')]);
    pacer.dispose();
    vi.advanceTimersByTime(1000);
    expect(s.drawn.get('a')?.state).toBe('queued');
  });
});
