import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useState } from 'react';
import type { TaskRunStateDto } from '../../src/protocol/canvasRunProtocol';
import { glyphFor } from './operatorGlyphs';
import { useTaskRunState } from './RunStatesStore';
import { formatCount, formatDuration, stateLabel, TASK_STATE_GLYPHS } from './taskStateStyle';

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
  // The task instance in the run the canvas shows (none without a run), from the run's store.
  const run = useTaskRunState(data.taskId);
  const tooltip = [
    data.taskId,
    data.preview,
    ...data.problems.map((p) => `⚠ ${p}`),
    ...(run ? [`${stateLabel(run.state)}${run.tryNumber > 0 ? `, try ${run.tryNumber} of ${run.maxTries}` : ''}`, run.error] : []),
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <div
      className={`task-node${selected ? ' selected' : ''}${problemCount > 0 ? ' has-problems' : ''}${run ? ` state-${run.state}` : ''}`}
      data-testid="task-node"
      data-task-id={data.taskId}
      data-state={run?.state ?? ''}
      data-try={run?.tryNumber ?? ''}
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
      {run && <RunLine key={`${run.state}:${run.tryNumber}`} run={run} />}
      <Handle
        type="source"
        position={Position.Right}
        isConnectable={isConnectable}
        aria-label={`Output of ${data.taskId}: drag to a task that should run after it`}
      />
    </div>
  );
});

/** State glyph and word, try, duration (running: since start), and for streaming tasks their rate and lag. */
function RunLine({ run }: { run: TaskRunStateDto }) {
  const now = useTickWhile(run.state === 'running');
  const duration =
    run.durationMs !== undefined
      ? run.durationMs
      : run.state === 'running' && run.startDate
        ? now - new Date(run.startDate).getTime()
        : undefined;
  return (
    <div className="task-node-run" data-testid="task-run-line">
      <span className="task-node-state" aria-label={`State: ${stateLabel(run.state)}`}>
        <span className="task-node-state-glyph" aria-hidden="true">
          {TASK_STATE_GLYPHS[run.state]}
        </span>
        {stateLabel(run.state)}
      </span>
      {run.tryNumber > 1 || run.maxTries > 1 ? (
        <span className="task-node-try">
          try {run.tryNumber}/{run.maxTries}
        </span>
      ) : null}
      {duration !== undefined && run.state !== 'none' && <span className="task-node-duration">{formatDuration(duration)}</span>}
      {run.messagesPerSecond !== undefined && <span className="task-node-rate">{formatCount(run.messagesPerSecond)} msg/s</span>}
      {run.lag !== undefined && <span className="task-node-lag">lag {formatCount(run.lag)}</span>}
    </div>
  );
}

/** The time, renewed every second while `active` (a running task's duration counts up). */
function useTickWhile(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
