/**
 * The rule both sides of the canvas enforce on a new link: the webview checks it against the
 * graph it shows (to refuse the gesture at once, with the reason), and the host checks it again
 * against the document's current text (the webview's graph may be stale). Pure, with no DOM and
 * no `vscode`, so it lives in the contract they share.
 */

/** The smallest view of a task the rule needs. */
export interface UpstreamOf {
  taskId: string;
  upstream: readonly string[];
}

/**
 * Why `target` may not list `source` upstream, or undefined when it may. A cycle is named by its
 * path in execution order, closed, e.g. `load -> report -> load`.
 */
export function findConnectionProblem(tasks: readonly UpstreamOf[], source: string, target: string): string | undefined {
  const upstreamOf = new Map<string, readonly string[]>();
  for (const task of tasks) if (!upstreamOf.has(task.taskId)) upstreamOf.set(task.taskId, task.upstream);
  if (!upstreamOf.has(source)) return `There is no task "${source}" in this DAG.`;
  if (!upstreamOf.has(target)) return `There is no task "${target}" in this DAG.`;
  if (source === target) return `A task cannot depend on itself ("${source}").`;
  if (upstreamOf.get(target)?.includes(source)) return `"${target}" already runs after "${source}".`;
  const path = findUpstreamPath(upstreamOf, source, target);
  if (path)
    return `This link would make a cycle: ${[...path, source, target].join(' -> ')}. A DAG cannot loop; remove a link of the cycle first.`;
  return undefined;
}

/**
 * A path `target -> ... -> source` following downstream links, i.e. whether `target` already runs
 * before `source`; breadth-first so that the reported cycle is a shortest one.
 */
function findUpstreamPath(upstreamOf: ReadonlyMap<string, readonly string[]>, source: string, target: string): string[] | undefined {
  // Walk from `source` up its ancestors; reaching `target` means target -> ... -> source exists.
  const cameFrom = new Map<string, string | undefined>([[source, undefined]]);
  const queue = [source];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head]!;
    for (const parent of upstreamOf.get(current) ?? []) {
      if (cameFrom.has(parent) || !upstreamOf.has(parent)) continue;
      cameFrom.set(parent, current);
      if (parent === target) {
        const path: string[] = [];
        for (let step: string | undefined = target; step !== undefined && step !== source; step = cameFrom.get(step)) path.push(step);
        return path;
      }
      queue.push(parent);
    }
  }
  return undefined;
}
