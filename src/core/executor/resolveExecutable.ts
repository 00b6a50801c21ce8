import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

const found = new Map<string, string>();

/**
 * An interpreter setting as a path to spawn: absolute paths as they are, paths with a slash
 * (`.venv/bin/python`) relative to the workspace, bare names (`python3`) looked up on the
 * engine's PATH. Looking names up here, rather than leaving it to spawn, matters when a task
 * replaces its environment (`append_env: false`): the task's env has no PATH, but the engine's
 * still says where `bash` is. A name that is not found is returned as is; spawn then reports
 * ENOENT, which the caller turns into a message.
 */
export function resolveExecutable(command: string, workspaceDir: string): string {
  if (path.isAbsolute(command)) return command;
  if (command.includes('/') || command.includes(path.sep)) return path.resolve(workspaceDir, command);
  const cached = found.get(command);
  if (cached) return cached;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      found.set(command, candidate);
      return candidate;
    } catch {
      // Not in this folder; keep looking.
    }
  }
  return command;
}
