import { describe, expect, it } from 'vitest';
import { isCanvasCommand, isCanvasNotification } from './dagCanvasProtocol';
import { isDagEdit } from './dagEditDto';

describe('dag canvas protocol guards', () => {
  it('accepts well-formed commands and rejects everything else', () => {
    expect(isCanvasCommand({ type: 'canvas/ready' })).toBe(true);
    expect(isCanvasCommand({ type: 'canvas/revealTask', taskId: 'load' })).toBe(true);
    expect(isCanvasCommand({ type: 'canvas/revealTask' })).toBe(false);
    expect(isCanvasCommand({ type: 'canvas/revealRange', range: { startLine: 1, startCharacter: 0, endLine: 1, endCharacter: 4 } })).toBe(
      true,
    );
    expect(isCanvasCommand({ type: 'canvas/revealRange', range: { startLine: -1 } })).toBe(false);
    expect(isCanvasCommand({ type: 'canvas/openTaskCode', taskId: 'a', field: 'code' })).toBe(true);
    expect(isCanvasCommand({ type: 'canvas/deleteEverything' })).toBe(false);
    expect(isCanvasCommand('canvas/ready')).toBe(false);
    expect(isCanvasCommand(null)).toBe(false);
  });

  it('accepts edit requests only with a well-formed gesture', () => {
    const request = { type: 'canvas/edit', requestId: 1, baseVersion: 3 };
    expect(isCanvasCommand({ ...request, edit: { kind: 'connect', source: 'a', target: 'b' } })).toBe(true);
    expect(isCanvasCommand({ ...request, edit: { kind: 'connect', source: 'a' } })).toBe(false);
    expect(isCanvasCommand({ ...request, requestId: 'x', edit: { kind: 'connect', source: 'a', target: 'b' } })).toBe(false);
  });

  it('accepts document notifications, schema notifications and edit responses', () => {
    expect(
      isCanvasNotification({ type: 'canvas/didChangeDocument', version: 1, fileName: 'a', graph: undefined, problems: [], editable: true }),
    ).toBe(true);
    expect(isCanvasNotification({ type: 'canvas/didApplyEdit', requestId: 1, ok: false, reason: 'cycle' })).toBe(true);
    expect(isCanvasNotification({ type: 'canvas/ready' })).toBe(false);
  });
});

describe('isDagEdit', () => {
  it('checks every gesture kind', () => {
    expect(isDagEdit({ kind: 'addTask', operator: 'bash', position: { x: 1, y: 2 } })).toBe(true);
    expect(isDagEdit({ kind: 'addTask', operator: 'bash', position: { x: Number.NaN, y: 2 } })).toBe(false);
    expect(isDagEdit({ kind: 'deleteElements', taskIds: ['a'], links: [{ source: 'a', target: 'b' }] })).toBe(true);
    expect(isDagEdit({ kind: 'deleteElements', taskIds: ['a'], links: [{ source: 'a' }] })).toBe(false);
    expect(isDagEdit({ kind: 'renameTask', taskId: 'a', newTaskId: 'b' })).toBe(true);
    expect(isDagEdit({ kind: 'moveTasks', moves: [{ taskId: 'a', position: { x: 0, y: 0 } }] })).toBe(true);
    expect(isDagEdit({ kind: 'setTaskField', taskId: 'a', path: ['retries'], value: 3 })).toBe(true);
    expect(isDagEdit({ kind: 'setTaskField', taskId: 'a', path: [], value: 3 })).toBe(false);
    expect(isDagEdit({ kind: 'setTaskField', taskId: 'a', path: ['x'], value: () => 1 })).toBe(false);
    expect(isDagEdit({ kind: 'setDagField', path: ['schedule'] })).toBe(true);
    expect(isDagEdit({ kind: 'pasteTasks', text: '[]' })).toBe(true);
    expect(isDagEdit({ kind: 'duplicateTasks', taskIds: ['a'] })).toBe(true);
    expect(isDagEdit({ kind: 'explode' })).toBe(false);
  });
});
