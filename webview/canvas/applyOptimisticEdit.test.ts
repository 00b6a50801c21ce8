import { describe, expect, it } from 'vitest';
import type { DagEdit } from '../../src/protocol/dagEditDto';
import type { DagGraphDto } from '../../src/protocol/dagGraphDto';
import { applyOptimisticEdit } from './applyOptimisticEdit';
import { proposeTaskId } from './proposeTaskId';

const graph: DagGraphDto = {
  dagId: 'w',
  schedule: null,
  settings: { dag_id: 'w' },
  tasks: [
    { taskId: 'a', operator: 'empty', upstream: [], position: { x: 0, y: 0 }, values: { task_id: 'a', operator: 'empty' } },
    { taskId: 'b', operator: 'bash', upstream: ['a'], values: { task_id: 'b', operator: 'bash', upstream: ['a'] } },
  ],
};

describe('applyOptimisticEdit', () => {
  const edits: DagEdit[] = [
    { kind: 'moveTasks', moves: [{ taskId: 'b', position: { x: 10.4, y: 5 } }] },
    { kind: 'connect', source: 'b', target: 'a' },
    { kind: 'deleteElements', taskIds: ['a'], links: [] },
    { kind: 'deleteElements', taskIds: [], links: [{ source: 'a', target: 'b' }] },
    { kind: 'renameTask', taskId: 'a', newTaskId: 'start' },
    { kind: 'addTask', operator: 'sql', position: { x: 1, y: 2 }, taskId: 'sql_1' },
    { kind: 'setTaskField', taskId: 'b', path: ['retries'], value: 2 },
    { kind: 'setDagField', path: ['schedule'], value: '@daily' },
  ];

  it('is idempotent: applying a gesture twice changes nothing more', () => {
    for (const edit of edits) {
      const once = applyOptimisticEdit(graph, edit);
      expect(applyOptimisticEdit(once, edit)).toEqual(once);
    }
  });

  it('predicts what the host will write', () => {
    expect(applyOptimisticEdit(graph, edits[0]!).tasks[1]?.position).toEqual({ x: 10, y: 5 });
    expect(applyOptimisticEdit(graph, edits[2]!).tasks).toEqual([{ ...graph.tasks[1], upstream: [] }]);
    expect(applyOptimisticEdit(graph, edits[3]!).tasks[1]?.upstream).toEqual([]);
    expect(applyOptimisticEdit(graph, edits[4]!).tasks.map((t) => [t.taskId, t.upstream])).toEqual([
      ['start', []],
      ['b', ['start']],
    ]);
    expect(applyOptimisticEdit(graph, edits[5]!).tasks.at(-1)).toMatchObject({
      taskId: 'sql_1',
      operator: 'sql',
      position: { x: 1, y: 2 },
    });
    expect(applyOptimisticEdit(graph, edits[6]!).tasks[1]?.values.retries).toBe(2);
    expect(applyOptimisticEdit(graph, edits[7]!).settings.schedule).toBe('@daily');
  });

  it('leaves the graph alone for what only the host can decide', () => {
    expect(applyOptimisticEdit(graph, { kind: 'pasteTasks', text: '[]' })).toBe(graph);
    expect(applyOptimisticEdit(graph, { kind: 'renameTask', taskId: 'a', newTaskId: 'b' })).toBe(graph);
  });
});

describe('proposeTaskId', () => {
  it('numbers ids per operator from 1, skipping taken ones', () => {
    expect(proposeTaskId('bash', new Set())).toBe('bash_1');
    expect(proposeTaskId('kafka.produce', new Set(['kafka_produce_1']))).toBe('kafka_produce_2');
  });
});
