type Point = { x: number; y: number };

export interface LayeredLayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Horizontal gap between layers. */
  rankGap: number;
  /** Vertical gap between nodes of a layer. */
  nodeGap: number;
}

const SWEEPS = 4;

/**
 * A fast layered left-to-right layout for large DAGs, where dagre takes seconds (13 s for 1,000
 * tasks): layers by longest path from the sources, order within layers by a few barycentre sweeps
 * to untangle edges, each layer centred. Linear in nodes and edges per sweep. Tolerates cycles (an
 * invalid file is still drawn): links that close a cycle are ignored for ranking.
 */
export function layoutLayered(
  tasks: readonly { taskId: string; upstream: readonly string[] }[],
  options: LayeredLayoutOptions,
): Map<string, Point> {
  const ids = tasks.map((t) => t.taskId);
  const index = new Map(ids.map((id, i) => [id, i]));
  const parents = tasks.map((t) =>
    [...new Set(t.upstream)].map((p) => index.get(p)).filter((p): p is number => p !== undefined && p !== index.get(t.taskId)),
  );
  const children: number[][] = ids.map(() => []);
  parents.forEach((ps, child) => ps.forEach((p) => children[p]!.push(child)));

  // Kahn's algorithm; nodes stuck in cycles are released in file order.
  const order: number[] = [];
  const remaining = parents.map((ps) => ps.length);
  const done = new Array<boolean>(ids.length).fill(false);
  let queue = ids.map((_, i) => i).filter((i) => remaining[i] === 0);
  let next = 0;
  while (order.length < ids.length) {
    if (queue.length === 0) {
      while (done[next]) next++;
      queue = [next];
    }
    const current: number[] = [];
    for (const node of queue) {
      if (done[node]) continue;
      done[node] = true;
      order.push(node);
      for (const child of children[node]!) if (--remaining[child]! === 0) current.push(child);
    }
    queue = current;
  }
  const rank = new Array<number>(ids.length).fill(0);
  const placed = new Array<boolean>(ids.length).fill(false);
  for (const node of order) {
    for (const p of parents[node]!) if (placed[p]) rank[node] = Math.max(rank[node]!, rank[p]! + 1);
    placed[node] = true;
  }

  const layers: number[][] = [];
  for (const node of order) (layers[rank[node]!] ??= []).push(node);
  const position = new Array<number>(ids.length).fill(0);
  const renumber = (layer: number[]): void => layer.forEach((node, i) => (position[node] = i));
  layers.forEach(renumber);
  const sortBy = (layer: number[], neighbours: number[][]): void => {
    const weight = new Map<number, number>();
    for (const node of layer) {
      const around = neighbours[node]!;
      weight.set(node, around.length === 0 ? position[node]! : around.reduce((sum, n) => sum + position[n]!, 0) / around.length);
    }
    layer.sort((a, b) => weight.get(a)! - weight.get(b)! || position[a]! - position[b]!);
    renumber(layer);
  };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let r = 1; r < layers.length; r++) sortBy(layers[r] ?? [], parents);
    for (let r = layers.length - 2; r >= 0; r--) sortBy(layers[r] ?? [], children);
  }

  const rowHeight = options.nodeHeight + options.nodeGap;
  const tallest = Math.max(0, ...layers.map((layer) => layer.length));
  const result = new Map<string, Point>();
  layers.forEach((layer, r) => {
    const top = ((tallest - layer.length) * rowHeight) / 2;
    layer.forEach((node, i) =>
      result.set(ids[node]!, { x: r * (options.nodeWidth + options.rankGap), y: Math.round(top + i * rowHeight) }),
    );
  });
  return result;
}
