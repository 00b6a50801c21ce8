/**
 * A DAG file shaped like a big real pipeline for the canvas benchmarks: `count` tasks of mixed
 * operators, each after the first few with one or two upstream tasks chosen from recent ones
 * (about 1.5 edges per node), no positions (so the canvas lays it out, the slow path). The
 * generator is seeded: every run draws the same graph.
 */
export function generateBenchDag(count: number, seed = 7): string {
  let state = seed >>> 0;
  const random = (): number => {
    // mulberry32: tiny, fast and good enough to spread edges.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const tasks = Array.from({ length: count }, (_, i) => {
    const upstream = new Set<string>();
    if (i > 0) {
      const links = random() < 0.5 ? 1 : 2;
      for (let k = 0; k < links; k++) upstream.add(`task_${Math.max(0, i - 1 - Math.floor(random() * Math.min(i, 40)))}`);
    }
    const kind = i % 3;
    const base = { task_id: `task_${i}`, ...(upstream.size > 0 ? { upstream: [...upstream] } : {}) };
    if (kind === 0) return { ...base, operator: 'bash', bash_command: `echo "step ${i} for {{ ds }}"` };
    if (kind === 1) return { ...base, operator: 'python', code: `def main(context):\n    return ${i}\n` };
    return { ...base, operator: 'empty' };
  });
  return JSON.stringify({ version: 1, dag_id: `bench_${count}`, schedule: null, tasks }, null, 2);
}

/** Edges in a generated DAG, for the report. */
export function countEdges(text: string): number {
  const dag = JSON.parse(text) as { tasks: { upstream?: string[] }[] };
  return dag.tasks.reduce((sum, task) => sum + (task.upstream?.length ?? 0), 0);
}
