/**
 * Finds one dependency cycle in a graph given as task id -> upstream task ids, or returns
 * undefined when the graph is acyclic. The cycle is returned in execution order and closed,
 * e.g. `['extract', 'load', 'extract']`, so that a message can name the whole path.
 *
 * Iterative so that a deep chain of thousands of tasks cannot overflow the stack.
 */
export function findCycle(upstreamOf: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  // Walk edges downstream -> upstream; a back edge closes a cycle.
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of upstreamOf.keys()) {
    if (state.has(root)) continue;
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 'visiting');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const upstream = upstreamOf.get(frame.id) ?? [];
      if (frame.next >= upstream.length) {
        state.set(frame.id, 'done');
        stack.pop();
        continue;
      }
      const parent = upstream[frame.next++]!;
      if (!upstreamOf.has(parent)) continue; // unknown ids are reported elsewhere
      const parentState = state.get(parent);
      if (parentState === 'visiting') {
        const start = stack.findIndex((f) => f.id === parent);
        // The stack runs downstream -> upstream; reverse it into execution order.
        const path = stack
          .slice(start)
          .map((f) => f.id)
          .reverse();
        return [...path, path[0]!];
      }
      if (parentState === undefined) {
        state.set(parent, 'visiting');
        stack.push({ id: parent, next: 0 });
      }
    }
  }
  return undefined;
}
