import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { TaskRunContext } from '../executor/taskExecution';

/**
 * The folder a task process runs in: its `cwd` argument relative to the workspace, or the
 * workspace itself. Throws a message naming the folder when it does not exist, which reads
 * better than spawn's ENOENT (as Airflow's "Can not find the cwd").
 */
export function resolveTaskCwd(cwd: string | undefined, context: TaskRunContext): string {
  const resolved = path.resolve(context.workspaceDir, cwd ?? '.');
  let isDirectory: boolean;
  try {
    isDirectory = statSync(resolved).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory)
    throw new Error(
      `The working directory "${cwd ?? resolved}" (${resolved}) does not exist or is not a folder. Create it or fix the task's "cwd".`,
    );
  return resolved;
}
