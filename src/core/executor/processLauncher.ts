import { closeSync, openSync } from 'node:fs';
import { readProcessToken, spawnProcessGroup } from './processTree';

/** A task process to start: its stdout and stderr are appended to `logFile`. */
export interface LaunchRequest {
  command: string;
  args: readonly string[];
  cwd: string;
  /** The complete environment (see buildTaskEnv). */
  env: NodeJS.ProcessEnv;
  logFile: string;
}

/** How the main process ended. `lost`: nobody saw it end (the launcher died); why, in a sentence. */
export interface LaunchExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  lost?: string;
}

/** What happens to a launched process, in this order: spawned then exited, or failed alone. */
export interface LaunchListener {
  /** It runs, as the leader of its own process group; `token` is its identity (see readProcessToken). */
  spawned(pid: number, token: string | undefined): void;
  /** It could not be started (ENOENT, EACCES, a missing cwd ...). */
  failed(error: NodeJS.ErrnoException): void;
  exited(exit: LaunchExit): void;
}

/** Starts task processes, each as the leader of a new process group. */
export interface ProcessLauncher {
  launch(request: LaunchRequest, listener: LaunchListener): void;
}

/**
 * Starts the process from the engine's own process. Forking copies the engine's page tables, so
 * this costs more the more memory the engine holds (see TaskLauncher); it is the fallback where
 * the launcher process cannot run.
 */
export const inProcessLauncher: ProcessLauncher = {
  launch(request, listener) {
    let fd: number;
    try {
      fd = openSync(request.logFile, 'a');
    } catch (error) {
      queueMicrotask(() => listener.failed(error as NodeJS.ErrnoException));
      return;
    }
    try {
      const child = spawnProcessGroup(request.command, request.args, { cwd: request.cwd, env: request.env, stdio: ['ignore', fd, fd] });
      if (child.pid === undefined) {
        // Spawn failures (ENOENT, EACCES, a missing cwd) arrive as an 'error' event.
        child.once('error', (error) => listener.failed(error));
        return;
      }
      // Errors after a successful spawn (a failed kill) must not crash the engine.
      child.on('error', () => undefined);
      child.once('exit', (code, signal) => listener.exited({ code, signal }));
      listener.spawned(child.pid, readProcessToken(child.pid));
    } catch (error) {
      queueMicrotask(() => listener.failed(error as NodeJS.ErrnoException));
    } finally {
      closeSync(fd);
    }
  },
};
