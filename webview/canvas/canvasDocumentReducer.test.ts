import { describe, expect, it } from 'vitest';
import type { DidChangeDocumentNotification } from '../../src/protocol/dagCanvasProtocol';
import { canvasDocumentReducer, displayedGraph, INITIAL_CANVAS_DOCUMENT_STATE, type CanvasDocumentState } from './canvasDocumentReducer';

function documentAt(version: number, x: number): DidChangeDocumentNotification {
  return {
    type: 'canvas/didChangeDocument',
    version,
    fileName: 'w.dag.json',
    editable: true,
    problems: [],
    graph: {
      dagId: 'w',
      schedule: null,
      settings: {},
      tasks: [{ taskId: 'a', operator: 'empty', upstream: [], position: { x, y: 0 }, values: {} }],
    },
  };
}

const move = (x: number) => ({ kind: 'moveTasks' as const, moves: [{ taskId: 'a', position: { x, y: 0 } }] });
const xOf = (state: CanvasDocumentState) => displayedGraph(state)?.tasks[0]?.position?.x;

describe('canvasDocumentReducer', () => {
  it('draws a gesture at once and keeps it drawn until the document holding it arrives (echo before answer)', () => {
    let state = canvasDocumentReducer(INITIAL_CANVAS_DOCUMENT_STATE, { type: 'received', message: documentAt(1, 0) });
    state = canvasDocumentReducer(state, { type: 'sent', requestId: 1, edit: move(100) });
    state = canvasDocumentReducer(state, { type: 'sent', requestId: 2, edit: move(200) });
    expect(xOf(state)).toBe(200);
    // The echo of the first move arrives: the second is still drawn on top, so the node does not jump back.
    state = canvasDocumentReducer(state, { type: 'received', message: documentAt(2, 100) });
    state = canvasDocumentReducer(state, {
      type: 'received',
      message: { type: 'canvas/didApplyEdit', requestId: 1, ok: true, version: 2, select: [] },
    });
    expect(xOf(state)).toBe(200);
    expect(state.pending.map((p) => p.requestId)).toEqual([2]);
    state = canvasDocumentReducer(state, { type: 'received', message: documentAt(3, 200) });
    state = canvasDocumentReducer(state, {
      type: 'received',
      message: { type: 'canvas/didApplyEdit', requestId: 2, ok: true, version: 3, select: [] },
    });
    expect(state.pending).toEqual([]);
    expect(xOf(state)).toBe(200);
  });

  it('handles the answer arriving before the echo', () => {
    let state = canvasDocumentReducer(INITIAL_CANVAS_DOCUMENT_STATE, { type: 'received', message: documentAt(1, 0) });
    state = canvasDocumentReducer(state, { type: 'sent', requestId: 1, edit: move(50) });
    state = canvasDocumentReducer(state, {
      type: 'received',
      message: { type: 'canvas/didApplyEdit', requestId: 1, ok: true, version: 2, select: [] },
    });
    expect(xOf(state)).toBe(50);
    state = canvasDocumentReducer(state, { type: 'received', message: documentAt(2, 50) });
    expect(state.pending).toEqual([]);
  });

  it('ignores stale documents and undoes a refused gesture with its reason', () => {
    let state = canvasDocumentReducer(INITIAL_CANVAS_DOCUMENT_STATE, { type: 'received', message: documentAt(5, 0) });
    state = canvasDocumentReducer(state, { type: 'received', message: documentAt(4, 999) });
    expect(state.host?.version).toBe(5);
    state = canvasDocumentReducer(state, { type: 'sent', requestId: 9, edit: move(70) });
    state = canvasDocumentReducer(state, {
      type: 'received',
      message: { type: 'canvas/didApplyEdit', requestId: 9, ok: false, reason: 'no' },
    });
    expect(xOf(state)).toBe(0);
    expect(state.notice?.text).toBe('no');
  });

  it('shows an undo from VS Code (a newer version without the gesture) as it is', () => {
    let state = canvasDocumentReducer(INITIAL_CANVAS_DOCUMENT_STATE, { type: 'received', message: documentAt(1, 0) });
    state = canvasDocumentReducer(state, { type: 'sent', requestId: 1, edit: move(10) });
    state = canvasDocumentReducer(state, { type: 'received', message: documentAt(2, 10) });
    state = canvasDocumentReducer(state, {
      type: 'received',
      message: { type: 'canvas/didApplyEdit', requestId: 1, ok: true, version: 2, select: [] },
    });
    state = canvasDocumentReducer(state, { type: 'received', message: documentAt(3, 0) });
    expect(xOf(state)).toBe(0);
  });
});
