import { describe, expect, it } from 'vitest';
import { isCanvasCommand, isCanvasNotification } from './dagCanvasProtocol';

describe('dag canvas protocol guards', () => {
  it('accepts well-formed commands and rejects everything else', () => {
    expect(isCanvasCommand({ type: 'canvas/ready' })).toBe(true);
    expect(isCanvasCommand({ type: 'canvas/revealTask', taskId: 'load' })).toBe(true);
    expect(isCanvasCommand({ type: 'canvas/revealTask' })).toBe(false);
    expect(isCanvasCommand({ type: 'canvas/deleteEverything' })).toBe(false);
    expect(isCanvasCommand('canvas/ready')).toBe(false);
    expect(isCanvasCommand(null)).toBe(false);
  });

  it('accepts document notifications only', () => {
    expect(isCanvasNotification({ type: 'canvas/didChangeDocument', version: 1, fileName: 'a', graph: undefined, problems: [], editable: true })).toBe(true);
    expect(isCanvasNotification({ type: 'canvas/ready' })).toBe(false);
  });
});
