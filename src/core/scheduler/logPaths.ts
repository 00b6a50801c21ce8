import * as path from 'node:path';

/** Characters that are not allowed in file names on every platform VS Code runs on. */
const UNSAFE = /[<>:"|?*\\/]/g;

/** `.dagstream/logs/<dag_id>/<run_id>/<task_id>/<try>.log`, relative to the workspace. */
export function tryLogPath(dagId: string, runId: string, taskId: string, tryNumber: number): string {
  return path.join('.dagstream', 'logs', safe(dagId), safe(runId), safe(taskId), `${tryNumber}.log`);
}

function safe(segment: string): string {
  return segment.replace(UNSAFE, '_');
}
