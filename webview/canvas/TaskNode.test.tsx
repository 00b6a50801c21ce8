import { ReactFlowProvider } from '@xyflow/react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TaskNode } from './TaskNode';

const HOSTILE = '<img src=x onerror=alert(1)>';

function render(taskId: string, preview: string, problems: string[] = []): string {
  return renderToStaticMarkup(
    <ReactFlowProvider>
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
});
