import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';

export interface TaskNodeData extends Record<string, unknown> {
  taskId: string;
  operator: string;
  preview?: string;
  problemCount: number;
}

export type TaskFlowNode = Node<TaskNodeData, 'task'>;

/** Codicon-like glyphs per operator family, so nodes are told apart without reading. */
const OPERATOR_GLYPHS: Record<string, string> = {
  empty: '○',
  bash: '$',
  python: 'Py',
  node: 'JS',
  http: '⇣',
  sql: '⛁',
  'kafka.produce': 'K→',
  'kafka.consume': '→K',
  'kafka.sink': 'K⛁',
};

function glyphFor(operator: string): string {
  return OPERATOR_GLYPHS[operator] ?? (operator.startsWith('sensor.') ? '◔' : '?');
}

/** One task on the canvas: operator, task id, a one-line preview and a problem badge. */
export function TaskNode({ data, selected }: NodeProps<TaskFlowNode>) {
  return (
    <div
      className={`task-node${selected ? ' selected' : ''}${data.problemCount > 0 ? ' has-problems' : ''}`}
      data-testid={`task-node-${data.taskId}`}
      title={data.preview ?? data.taskId}
    >
      <Handle type="target" position={Position.Left} />
      <div className="task-node-header">
        <span className="task-node-glyph" aria-hidden="true">
          {glyphFor(data.operator)}
        </span>
        <span className="task-node-id">{data.taskId}</span>
        {data.problemCount > 0 && (
          <span className="task-node-problems" aria-label={`${data.problemCount} problem(s)`}>
            {data.problemCount}
          </span>
        )}
      </div>
      <div className="task-node-operator">{data.operator}</div>
      {data.preview && <div className="task-node-preview">{data.preview}</div>}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}
