import { ReactFlowProvider } from '@xyflow/react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { TaskRunStateDto } from '../../src/protocol/canvasRunProtocol';
import { RunStatesContext, RunStatesStore } from './RunStatesStore';
import { TaskNode } from './TaskNode';

const HOSTILE = '<img src=x onerror=alert(1)>';

function render(taskId: string, preview: string, problems: string[] = [], run?: TaskRunStateDto): string {
  const store = new RunStatesStore();
  if (run) store.apply([{ ...run, taskId }], false);
  return renderToStaticMarkup(
    <ReactFlowProvider>
      <RunStatesContext.Provider value={store}>
        <TaskNode
          id={taskId}
          type="task"
          data={{ taskId, operator: 'bash', operatorTitle: 'Bash', preview, problems }}
          selected={false}
          isConnectable={false}
          zIndex={0}
          positionAbsoluteX={0}
          positionAbsoluteY={0}
          dragging={false}
          draggable={false}
          selectable
          deletable
        />
      </RunStatesContext.Provider>
    </ReactFlowProvider>,
  );
}

describe('TaskNode', () => {
  it('renders a task id, preview and problems as text, never as markup', () => {
    const html = render(HOSTILE, '<script>alert(2)</script>', ['<b>bold</b>']);
    expect(html).not.toMatch(/<img|<script|<b>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('shows the problem count', () => {
    expect(render('load', 'echo', ['one', 'two'])).toContain('aria-label="2 problems: one two"');
  });

  it('shows the run state as a colour class, a glyph and a word, with try, duration and streaming figures', () => {
    const html = render('sink', 'consume', [], {
      taskId: 'sink',
      state: 'up_for_retry',
      tryNumber: 2,
      maxTries: 3,
      durationMs: 1500,
      messagesPerSecond: 1234,
      lag: 56,
    });
    expect(html).toContain('state-up_for_retry');
    expect(html).toContain('data-state="up_for_retry"');
    expect(html).toContain('↻');
    expect(html).toContain('up for retry');
    expect(html).toContain('try 2/3');
    expect(html).toContain('1.5 s');
    expect(html).toContain('1.2k msg/s');
    expect(html).toContain('lag 56');
  });
});
