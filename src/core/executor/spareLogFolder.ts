import { closeSync, mkdirSync, openSync, renameSync } from 'node:fs';
import * as path from 'node:path';

/**
 * A try's log folder, made before the try needs it.
 *
 * Each try's log is `<logs>/<dag_id>/<run_id>/<task_id>/<try>.log`: starting a first try
 * creates a folder and a file, two new inodes, and the task cannot start before its log exists.
 * Allocating an inode is usually cheap, but not everywhere: ext4 without a journal skips every
 * inode freed in the last minute or so when it looks for a free one, so on a machine that
 * deletes many temporary files (test suites, the benchmarks' own workspaces) each one can take
 * close to a millisecond, on the critical path of every task of a chain. So one spare folder,
 * holding an empty `1.log`, is kept in the logs folder (`.dagstream/logs/~next-try`, beside the
 * DAGs' folders; a dag_id never holds a `~`) and renamed into place when a first try starts: a
 * rename only moves a directory entry. The next spare is made once the task's process has
 * started, while it starts up.
 *
 * Several engines may share a workspace (a scheduler and a `dagstream test`): a rename is
 * atomic, so a spare goes to one try only; the others fall back to creating their folder. One
 * empty spare stays behind when the engine stops; the next engine uses it.
 */
export const SPARE_LOG_NAME = '1.log';
const SPARE_FOLDER_NAME = '~next-try';

/** Spares this process made and has not used yet, by path. */
const ready = new Set<string>();

/** The spare's path, for task log folders laid out as the scheduler lays them out (`<logs>/<dag>/<run>/<task>`) only. */
function spareFolderFor(taskLogFolder: string): string | undefined {
  const logs = path.dirname(path.dirname(path.dirname(taskLogFolder)));
  return path.basename(logs) === 'logs' ? path.join(logs, SPARE_FOLDER_NAME) : undefined;
}

/**
 * Moves the spare folder to `taskLogFolder` when there is one and the folder does not exist yet;
 * true when it did (the folder then holds an empty `1.log`). False otherwise: the caller
 * creates the folder itself. Never throws.
 */
export function takeSpareLogFolder(taskLogFolder: string): boolean {
  const spare = spareFolderFor(taskLogFolder);
  if (spare === undefined || !ready.delete(spare)) return false;
  try {
    renameSync(spare, taskLogFolder);
    return true;
  } catch (error) {
    // ENOENT: the run's folder does not exist yet (its first task), or another engine took the spare.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
  }
  try {
    mkdirSync(path.dirname(taskLogFolder), { recursive: true });
    renameSync(spare, taskLogFolder);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes the spare in the logs folder that holds `taskLogFolder`, if there is none. Synchronous,
 * and meant to be called right after a task's process has been started, so that the work
 * overlaps the process's own start-up. (On the thread pool instead, it finishes too late for a
 * short task and competes with the next try creating its own folder.) Never fails; without a
 * spare, the next try creates its folder itself.
 */
export function prepareSpareLogFolder(taskLogFolder: string): void {
  const spare = spareFolderFor(taskLogFolder);
  if (spare === undefined || ready.has(spare)) return;
  try {
    try {
      mkdirSync(spare);
    } catch (error) {
      // A spare left by an earlier engine, or being made by another one: complete it and use it.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return;
    }
    closeSync(openSync(path.join(spare, SPARE_LOG_NAME), 'a'));
    ready.add(spare);
  } catch {
    // No spare: the next try creates its folder itself, as it would have anyway.
  }
}
