import { describe, expect, it } from 'vitest';
import { mergeEdges, mergeNodes, toFlowElements } from './toFlowElements';

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

describe('toFlowElements', () => {
  it('draws one node per task and one link per upstream entry, links drawn by LinkEdgeView', () => {
    const { nodes, edges } = toFlowElements(graph, [], new Map());
    expect(nodes.map((n) => n.id)).toEqual(['a', 'b', 'c']);
    expect(edges.map((e) => [e.id, e.type])).toEqual([
      ['a->b', 'link'],
      ['a->c', 'link'],
    ]);
  });

  it('gives React Flow the previous arrays back when nothing changed, and keeps unchanged elements when something did', () => {
    const plain = toFlowElements(graph, [], new Map());
    const nodes = mergeNodes([], plain.nodes, new Set());
    const edges = mergeEdges([], plain.edges, new Set());
    const again = toFlowElements(graph, [], new Map());
    expect(mergeNodes(nodes, again.nodes, new Set())).toBe(nodes);
    expect(mergeEdges(edges, again.edges, new Set())).toBe(edges);

    const selected = mergeNodes(nodes, again.nodes, new Set(['b']));
    expect(selected).not.toBe(nodes);
    expect(selected[0]).toBe(nodes[0]);
    expect(selected[1]?.selected).toBe(true);
  });
});
