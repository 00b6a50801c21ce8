import { readdirSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the temp files (`<file>.tmp-<pid>`, named by writeFileAtomically) that processes killed
 * in the middle of a snapshot left beside `file`. The file itself is never touched: it holds the
 * last complete snapshot. Temps of live processes are theirs and stay. Returns what it removed.
 */
export function removeStaleTempFiles(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue;
    try {
      unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      // Someone else cleaned it up, or the folder is read-only: harmless either way.
    }
  }
  return removed;
}
