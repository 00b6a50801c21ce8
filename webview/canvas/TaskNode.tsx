import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { glyphFor } from './operatorGlyphs';

export interface TaskNodeData extends Record<string, unknown> {
  taskId: string;
  operator: string;
  /** The operator's human name ("Kafka sink to SQLite"), from the schemas. */
  operatorTitle: string;
  preview?: string;
  /** Messages of the problems about this task, shown on hover and counted on the node. */
  problems: string[];
}

export type TaskFlowNode = Node<TaskNodeData, 'task'>;

/**
 * One task on the canvas: operator glyph, task id, operator name, a one-line preview of its code
 * or command, and a problem badge. Everything from the file is rendered as text by React, never as
 * markup, so a task id like `<img src=x onerror=alert(1)>` shows as those characters.
 */
export const TaskNode = memo(function TaskNode({ data, selected, isConnectable }: NodeProps<TaskFlowNode>) {
  const problemCount = data.problems.length;
  const tooltip = [data.taskId, data.preview, ...data.problems.map((p) => `⚠ ${p}`)].filter(Boolean).join('\n');
  return (
    <div
      className={`task-node${selected ? ' selected' : ''}${problemCount > 0 ? ' has-problems' : ''}`}
      data-testid="task-node"
      data-task-id={data.taskId}
      title={tooltip}
    >
      {/* React Flow leaves handles linkable unless told: read-only canvases pass isConnectable false. */}
      <Handle
        type="target"
        position={Position.Left}
        isConnectable={isConnectable}
        aria-label={`Input of ${data.taskId}: drop a link here to make it run after another task`}
      />
      <div className="task-node-header">
        <span className="task-node-glyph" aria-hidden="true">
          {glyphFor(data.operator)}
        </span>
        <span className="task-node-id">{data.taskId}</span>
        {problemCount > 0 && (
          <span
            className="task-node-problems"
            role="img"
            aria-label={`${problemCount} problem${problemCount === 1 ? '' : 's'}: ${data.problems.join(' ')}`}
          >
            {problemCount}
          </span>
        )}
      </div>
      <div className="task-node-operator">{data.operatorTitle}</div>
      {data.preview && <div className="task-node-preview">{data.preview}</div>}
      <Handle
        type="source"
        position={Position.Right}
        isConnectable={isConnectable}
        aria-label={`Output of ${data.taskId}: drag to a task that should run after it`}
      />
    </div>
  );
});
