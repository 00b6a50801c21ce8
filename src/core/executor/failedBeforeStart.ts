import { appendFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { finishedTask } from './finishedTask';
import type { RunningTask, TaskOutcome, TaskRunContext } from './taskExecution';

/**
 * A try that fails before anything runs (invalid arguments, a template error, a missing file).
 * The reason is also written to the try's log, where the user looks first.
 */
export function failedBeforeStart(context: TaskRunContext, source: string, error: unknown): RunningTask {
  const message = error instanceof Error ? error.message : String(error);
  const outcome: TaskOutcome = { state: 'failed', error: message };
  const logged = (async (): Promise<TaskOutcome> => {
    try {
      await mkdir(path.dirname(context.logFile), { recursive: true });
      await appendFile(
        context.logFile,
        `[${new Date().toISOString()}] {dagstream.${source}} ERROR - Task failed before it started: ${message}\n`,
      );
    } catch {
      // The outcome carries the message; a log that cannot be written does not change it.
    }
    return outcome;
  })();
  return finishedTask(logged);
}
