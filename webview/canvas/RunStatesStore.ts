import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import type { TaskRunStateDto } from '../../src/protocol/canvasRunProtocol';

/**
 * The drawn task states of the shown run, outside React's state: each node (and each link into
 * it, and its minimap dot) subscribes to its own task. A batch of changes re-renders only the
 * components of the tasks it touched; the canvas, React Flow's node and edge arrays and the rest
 * of the app do not render at all. (Kept as React state, every batch re-rendered the whole app
 * and handed React Flow new arrays of every node and edge: a thousand changes a second dropped
 * frames on a 300-task DAG.)
 */
export class RunStatesStore {
  private states = new Map<string, TaskRunStateDto>();
  private readonly listeners = new Map<string, Set<() => void>>();

  get(taskId: string): TaskRunStateDto | undefined {
    return this.states.get(taskId);
  }

  get size(): number {
    return this.states.size;
  }

  /** New states, in order; `reset` first forgets every state (another run is shown). */
  apply(changes: readonly TaskRunStateDto[], reset: boolean): void {
    const touched = new Set<string>();
    if (reset) {
      for (const taskId of this.states.keys()) touched.add(taskId);
      this.states = new Map();
    }
    for (const state of changes) {
      this.states.set(state.taskId, state);
      touched.add(state.taskId);
    }
    for (const taskId of touched) for (const listener of this.listeners.get(taskId) ?? []) listener();
  }

  /** Calls `listener` whenever the task's state changes; returns the unsubscribe function. */
  subscribe(taskId: string, listener: () => void): () => void {
    let set = this.listeners.get(taskId);
    if (!set) this.listeners.set(taskId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(taskId);
    };
  }
}

/** The store of the canvas; an empty one where no run is shown (tests, the first render). */
export const RunStatesContext = createContext(new RunStatesStore());

/** The drawn state of one task in the shown run; re-renders the caller only when that task's state changes. */
export function useTaskRunState(taskId: string): TaskRunStateDto | undefined {
  const store = useContext(RunStatesContext);
  const subscribe = useCallback((listener: () => void) => store.subscribe(taskId, listener), [store, taskId]);
  const snapshot = useCallback(() => store.get(taskId), [store, taskId]);
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
