import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { inProcessLauncher, type LaunchListener, type LaunchRequest, type ProcessLauncher } from './processLauncher';
import { isProcessGroupAlive } from './processTree';
import { TASK_LAUNCHER_PROGRAM } from './taskLauncherProgram';

/** How often a task whose launcher died is checked for having ended. */
const LOST_POLL_MS = 100;

interface Launch {
  request: LaunchRequest;
  listener: LaunchListener;
  pid?: number;
}

type Reply =
  | { id: number; pid: number; token?: string }
  | { id: number; error: { code?: string; message: string } }
  | { id: number; exit: [number | null, NodeJS.Signals | null] };

/**
 * Starts task processes through a small launcher process (see taskLauncherProgram) instead of
 * from the engine itself.
 *
 * Why: Node spawns by forking, and a fork copies the page tables of every page the parent has
 * touched, synchronously, on the engine's thread. Measured here: +0.034 ms per MB of the
 * parent's memory, so a 100 MB engine (the CLI) pays 1.5-2 ms per task and an editor's
 * extension host, which holds every extension, several times that, blocking everything else on
 * its thread each time. The launcher is a fresh Node process with little memory, so its forks
 * stay cheap (0.6 ms), and the engine only writes a line to a pipe.
 *
 * One launcher serves every scheduler of the process and starts with the first task. It never
 * keeps the engine alive by itself (its pipes are only referenced while tasks run). If it dies,
 * tasks it had not started yet fail with the reason, tasks it had started are watched until
 * their process group is gone and then end with their exit status lost, and the next task
 * starts a new launcher. If Node cannot be started at all, tasks are started in-process.
 */
export class TaskLauncher implements ProcessLauncher {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly launches = new Map<number, Launch>();
  private nextId = 1;
  /** Why the launcher cannot be used; tasks then start in-process. */
  private fallbackReason: string | undefined;
  private stderrTail = '';

  /** `execPath`: the Node to run the launcher with (the engine's own by default). */
  constructor(private readonly execPath = process.execPath) {}

  /** Why tasks are started in-process instead, if they are. */
  get fallback(): string | undefined {
    return this.fallbackReason;
  }

  /** The launcher's pid, while one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  launch(request: LaunchRequest, listener: LaunchListener): void {
    if (this.fallbackReason !== undefined) {
      inProcessLauncher.launch(request, listener);
      return;
    }
    const child = this.child ?? this.startLauncher();
    const id = this.nextId++;
    this.launches.set(id, { request, listener });
    this.hold();
    const { command, args, cwd, env, logFile } = request;
    child.stdin.write(`${JSON.stringify({ id, command, args, cwd, env, logFile })}\n`);
  }

  private startLauncher(): ChildProcessWithoutNullStreams {
    const child = spawn(this.execPath, ['-e', TASK_LAUNCHER_PROGRAM], { stdio: 'pipe', env: launcherEnv() });
    this.child = child;
    this.stderrTail = '';
    child.unref();
    child.stdin.on('error', () => undefined); // A dead launcher is handled on 'close'.
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (this.stderrTail = (this.stderrTail + chunk).slice(-2000)));
    child.stdout.setEncoding('utf8');
    let pending = '';
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let end: number;
      while ((end = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        if (line.length > 0) this.onLine(line);
      }
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      // Node itself could not be started (no pid): nothing was launched, so everything waiting can
      // still start in-process, and so will everything after it.
      if (child.pid !== undefined || this.child !== child) return;
      this.child = undefined;
      this.fallbackReason = `the task launcher could not be started with ${this.execPath}: ${error.message}`;
      const waiting = [...this.launches.values()];
      this.launches.clear();
      for (const launch of waiting) inProcessLauncher.launch(launch.request, launch.listener);
    });
    // 'close', not 'exit': replies still in the pipe are read first.
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.onLauncherGone(child.pid, code, signal);
    });
    // The pipes are sockets at run time; the child process's types only call them streams.
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).unref();
    return child;
  }

  private onLine(line: string): void {
    let reply: Reply;
    try {
      reply = JSON.parse(line) as Reply;
    } catch {
      // Only the launcher writes here; a stray line (a runtime's notice) must not crash the engine.
      this.stderrTail = `${this.stderrTail}${line}\n`.slice(-2000);
      return;
    }
    this.onReply(reply);
  }

  private onReply(reply: Reply): void {
    const launch = this.launches.get(reply.id);
    if (!launch) return;
    if ('pid' in reply) {
      launch.pid = reply.pid;
      launch.listener.spawned(reply.pid, reply.token);
      return;
    }
    this.launches.delete(reply.id);
    this.hold();
    if ('error' in reply) {
      const error = new Error(reply.error.message) as NodeJS.ErrnoException;
      if (reply.error.code !== undefined) error.code = reply.error.code;
      launch.listener.failed(error);
    } else {
      launch.listener.exited({ code: reply.exit[0], signal: reply.exit[1] });
    }
  }

  private onLauncherGone(pid: number | undefined, code: number | null, signal: NodeJS.Signals | null): void {
    const tail = this.stderrTail.trim();
    const why = `the task launcher (pid ${pid ?? '?'}) ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${tail ? ` (${tail.split('\n').pop()})` : ''}`;
    const launches = [...this.launches.values()];
    this.launches.clear();
    for (const launch of launches) {
      if (launch.pid === undefined) {
        const error = new Error(`${why} before it started the task`) as NodeJS.ErrnoException;
        error.code = 'ELAUNCHER';
        launch.listener.failed(error);
      } else {
        watchUntilGone(launch.pid, launch.listener, `${why} while the task ran, so its exit status is unknown`);
      }
    }
  }

  /** The engine stays alive while tasks run (to hear them end), never for an idle launcher. */
  private hold(): void {
    if (!this.child) return;
    const stdout = this.child.stdout as unknown as Socket;
    if (this.launches.size > 0) stdout.ref();
    else stdout.unref();
  }
}

/** A task whose launcher died: it ends, as far as anyone can tell, when its process group is gone. */
function watchUntilGone(pgid: number, listener: LaunchListener, lost: string): void {
  const timer = setInterval(() => {
    if (isProcessGroupAlive(pgid)) return;
    clearInterval(timer);
    listener.exited({ code: null, signal: null, lost });
  }, LOST_POLL_MS);
}

function launcherEnv(): NodeJS.ProcessEnv {
  // Electron (VS Code desktop's extension host) runs as plain Node with this set.
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  // Loaders and debugger hooks meant for the engine are not the launcher's (tasks get their own env).
  delete env.NODE_OPTIONS;
  return env;
}

let shared: ProcessLauncher | undefined;

/**
 * The launcher every task of this process uses. `DAGSTREAM_TASK_LAUNCHER=inline` starts tasks
 * from the engine's own process instead (as on Windows, which has no process groups to hand over).
 */
export function sharedTaskLauncher(): ProcessLauncher {
  shared ??= process.env.DAGSTREAM_TASK_LAUNCHER === 'inline' || process.platform === 'win32' ? inProcessLauncher : new TaskLauncher();
  return shared;
}
