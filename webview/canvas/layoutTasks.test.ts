import { describe, expect, it } from 'vitest';
import { layoutAll, layoutTasks, NODE_WIDTH } from './layoutTasks';

const tasks = [
  { taskId: 'extract', upstream: [], values: {}, operator: 'http' },
  { taskId: 'transform', upstream: ['extract'], values: {}, operator: 'python' },
  { taskId: 'load', upstream: ['transform'], values: {}, operator: 'sql' },
  { taskId: 'report', upstream: ['extract'], values: {}, operator: 'bash' },
];

describe('layoutAll', () => {
  it('places each task right of what it waits for, on whole units, without overlaps', () => {
    const positions = layoutAll(tasks);
    const x = (id: string) => positions.get(id)!.x;
    expect(x('transform')).toBeGreaterThanOrEqual(x('extract') + NODE_WIDTH);
    expect(x('load')).toBeGreaterThanOrEqual(x('transform') + NODE_WIDTH);
    for (const p of positions.values()) expect(Number.isInteger(p.x) && Number.isInteger(p.y)).toBe(true);
    expect(positions.get('report')).not.toEqual(positions.get('transform'));
  });

  it('lays out a 1,000-task DAG in well under a second', () => {
    const big = Array.from({ length: 1000 }, (_, i) => ({
      taskId: `t${i}`,
      upstream: i === 0 ? [] : [`t${Math.floor(i / 2)}`, ...(i % 3 === 0 ? [`t${i - 1}`] : [])],
    }));
    const started = performance.now();
    expect(layoutAll(big).size).toBe(1000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('layoutTasks', () => {
  it('keeps saved positions and places the others below them', () => {
    const positions = layoutTasks([{ ...tasks[0]!, position: { x: 500, y: 500 } }, tasks[1]!]);
    expect(positions.get('extract')).toEqual({ x: 500, y: 500 });
    expect(positions.get('transform')!.y).toBeGreaterThan(500);
  });
});
