import type { MiniMapNodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useTaskRunState } from './RunStatesStore';

/** A task's dot on the minimap, in its run state's colour (read from the run's store, like the node). */
export const TaskMiniMapNode = memo(function TaskMiniMapNode({
  id,
  x,
  y,
  width,
  height,
  borderRadius,
  className,
  shapeRendering,
  selected,
}: MiniMapNodeProps) {
  const state = useTaskRunState(id)?.state;
  const classes = ['react-flow__minimap-node', selected ? 'selected' : '', className, className === '' && state ? `state-${state}` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <rect
      className={classes}
      x={x}
      y={y}
      rx={borderRadius}
      ry={borderRadius}
      width={width}
      height={height}
      shapeRendering={shapeRendering}
    />
  );
});
