import { BaseEdge, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { useTaskRunState } from './RunStatesStore';
import type { LinkEdge } from './toFlowElements';

/**
 * A link (React Flow's bezier edge) that animates while the task it leads into runs. It reads that
 * task's state from the run's store itself, so a state change re-renders only the links into the
 * task that changed, without new edge arrays for React Flow.
 */
export const LinkEdgeView = memo(function LinkEdgeView(props: EdgeProps<LinkEdge>) {
  const running = useTaskRunState(props.target)?.state === 'running';
  const [path] = getBezierPath({
    sourceX: props.sourceX,
    sourceY: props.sourceY,
    sourcePosition: props.sourcePosition,
    targetX: props.targetX,
    targetY: props.targetY,
    targetPosition: props.targetPosition,
  });
  return (
    <BaseEdge
      id={props.id}
      path={path}
      {...(props.markerEnd === undefined ? {} : { markerEnd: props.markerEnd })}
      {...(props.style === undefined ? {} : { style: props.style })}
      {...(props.interactionWidth === undefined ? {} : { interactionWidth: props.interactionWidth })}
      {...(running ? { className: 'link-running' } : {})}
    />
  );
});
