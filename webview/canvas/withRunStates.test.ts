import { describe, expect, it } from 'vitest';
import type { TaskRunStateDto } from '../../src/protocol/canvasRunProtocol';
import { mergeEdges, mergeNodes, toFlowElements, withRunStates } from './toFlowElements';

const graph = {
  dagId: 'd',
  schedule: null,
  settings: {},
  tasks: [
    { taskId: 'a', operator: 'bash', upstream: [], values: {} },
    { taskId: 'b', operator: 'bash', upstream: ['a'], values: {} },
    { taskId: 'c', operator: 'bash', upstream: ['a'], values: {} },
  ],
};

function state(taskId: string, value: TaskRunStateDto['state']): TaskRunStateDto {
  return { taskId, state: value, tryNumber: 1, maxTries: 1 };
}

describe('withRunStates', () => {
  it('puts each task state on its node, animates links into running tasks, and keeps untouched objects', () => {
    const plain = toFlowElements(graph, [], new Map());
    const first = withRunStates(
      plain.nodes,
      plain.edges,
      new Map([
        ['a', state('a', 'success')],
        ['b', state('b', 'running')],
      ]),
    );
    expect(first.nodes.map((n) => n.data.run?.state)).toEqual(['success', 'running', undefined]);
    expect(first.nodes[2]).toBe(plain.nodes[2]);
    expect(first.edges.map((e) => [e.id, e.animated ?? false])).toEqual([
      ['a->b', true],
      ['a->c', false],
    ]);
    expect(first.edges[1]).toBe(plain.edges[1]);

    // The next batch changes b only: a's node keeps its object, so React Flow redraws b alone.
    const a = first.nodes[0]?.data.run;
    const second = withRunStates(
      first.nodes,
      first.edges,
      new Map([
        ['a', a as TaskRunStateDto],
        ['b', state('b', 'success')],
      ]),
    );
    expect(second.nodes[0]).toBe(first.nodes[0]);
    expect(second.nodes[1]?.data.run?.state).toBe('success');
    expect(second.edges[0]?.animated).toBe(false);

    // A new run without instances yet clears every state.
    const cleared = withRunStates(second.nodes, second.edges, new Map());
    expect(cleared.nodes.every((n) => n.data.run === undefined)).toBe(true);
  });

  it('gives React Flow the previous arrays back when a batch changes none of their elements', () => {
    const plain = toFlowElements(graph, [], new Map());
    const nodes = mergeNodes([], plain.nodes, new Set());
    const edges = mergeEdges([], plain.edges, new Set());
    // b goes running -> running (new figures): its node changes, no link does.
    const before = withRunStates(nodes, edges, new Map([['b', state('b', 'running')]]));
    const shownNodes = mergeNodes(nodes, before.nodes, new Set());
    const shownEdges = mergeEdges(edges, before.edges, new Set());
    const after = withRunStates(shownNodes, shownEdges, new Map([['b', { ...state('b', 'running'), messagesPerSecond: 5 }]]));
    expect(mergeEdges(shownEdges, after.edges, new Set())).toBe(shownEdges);
    const nextNodes = mergeNodes(shownNodes, after.nodes, new Set());
    expect(nextNodes).not.toBe(shownNodes);
    expect(nextNodes[0]).toBe(shownNodes[0]);
    expect(mergeNodes(nextNodes, after.nodes, new Set())).toBe(nextNodes);
  });
});
