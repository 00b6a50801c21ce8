import { describe, expect, it } from 'vitest';
import { isCanvasRunCommand, isCanvasRunNotification } from './canvasRunProtocol';

describe('canvas run protocol guards', () => {
  it('accepts well-formed commands and rejects the rest', () => {
    expect(isCanvasRunCommand({ type: 'run/ready' })).toBe(true);
    expect(isCanvasRunCommand({ type: 'run/trigger', params: { city: 'Lisbon' } })).toBe(true);
    expect(isCanvasRunCommand({ type: 'run/trigger', params: { city: 3 } })).toBe(false);
    expect(isCanvasRunCommand({ type: 'run/setPaused', paused: 'yes' })).toBe(false);
    expect(isCanvasRunCommand({ type: 'run/select' })).toBe(true);
    expect(isCanvasRunCommand({ type: 'run/select', runId: 7 })).toBe(false);
    expect(isCanvasRunCommand({ type: 'run/taskAction', action: 'clearDownstream', taskId: 'a' })).toBe(true);
    expect(isCanvasRunCommand({ type: 'run/taskAction', action: 'rm -rf', taskId: 'a' })).toBe(false);
    expect(isCanvasRunCommand({ type: 'run/taskAction', action: 'log', taskId: 'a', tryNumber: 1.5 })).toBe(false);
    expect(isCanvasRunCommand({ type: 'canvas/ready' })).toBe(false);
    expect(isCanvasRunCommand(null)).toBe(false);
  });

  it('knows its notifications', () => {
    expect(isCanvasRunNotification({ type: 'run/didChangeTaskStates', runId: 'r', reset: true, states: [] })).toBe(true);
    expect(isCanvasRunNotification({ type: 'canvas/didChangeDocument' })).toBe(false);
  });
});
