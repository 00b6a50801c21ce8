import type { TaskRunStateDto } from '../../protocol/canvasRunProtocol';
import type { CoalescerSteps } from '../engine/LatestByKeyCoalescer';

/**
 * How the canvas coalesces task state changes: per task and window, one value per distinct state
 * (and try), in order, so that a task the scheduler moves queued -> running in one pass still
 * shows queued; updates within one state (a running task's rate and lag) collapse into the last.
 * Four steps per 16 ms window is more than a task goes through; past that the oldest drop.
 */
export const TASK_STATE_STEPS: CoalescerSteps<TaskRunStateDto> = {
  sameStep: (previous, next) => previous.state === next.state && previous.tryNumber === next.tryNumber,
  maxPerKey: 4,
};
