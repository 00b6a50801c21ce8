import type { RunningTask, TaskOutcome } from './taskExecution';

/** A try that ended before it started (bad arguments, a template error) or needs no process. */
export function finishedTask(outcome: TaskOutcome | Promise<TaskOutcome>): RunningTask {
  return {
    pid: undefined,
    processToken: undefined,
    outcome: Promise.resolve(outcome),
    kill: () => undefined,
  };
}
