import * as path from 'node:path';
import { finishedTask } from './finishedTask';
import { formatDuration } from './formatDuration';
import type { LaunchExit, ProcessLauncher } from './processLauncher';
import { killProcessGroup } from './processTree';
import { readLastLine } from './readLastLine';
import { prepareSpareLogFolder } from './spareLogFolder';
import { sharedTaskLauncher } from './TaskLauncher';
import { TaskLog } from './TaskLog';
import type { RunningTask, TaskOutcome } from './taskExecution';

export const DEFAULT_KILL_GRACE_MS = 5000;

/** How the task's main process ended, for the operator to turn into an outcome. */
export interface ChildExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /**
   * Last non-blank line of the task's output, stdout and stderr together as they reached the
   * log (trailing whitespace removed), when asked for with `captureLastLine`.
   */
  lastLine: string | undefined;
  durationMs: number;
  /** The try's log, still open: the operator may add lines before it is closed. */
  log: TaskLog;
}

export interface ChildProcessOptions {
  /** Executable to spawn (see resolveExecutable). */
  command: string;
  args: readonly string[];
  cwd: string;
  /** The complete environment (see buildTaskEnv). */
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Operator name for log lines, e.g. `bash`. */
  source: string;
  /** What the log's header shows for the command; the argv by default. */
  displayCommand?: string;
  executionTimeoutMs?: number;
  killGraceMs?: number;
  captureLastLine?: boolean;
  /** Appended to "Could not start ..." when the executable cannot be spawned, e.g. which setting to change. */
  startFailureHint?: string;
  /** Turns a normal exit (not a timeout or kill) into the try's outcome. May throw; never rejects the outcome. */
  interpretExit(exit: ChildExit): TaskOutcome | Promise<TaskOutcome>;
  /** Starts the process; the shared launcher process by default (see TaskLauncher). */
  launcher?: ProcessLauncher;
  /** Runs after the outcome is known and the process tree is gone (e.g. removes a temp folder). */
  cleanup?(): Promise<void>;
}

interface Stop {
  reason: string;
  timedOut: boolean;
}

/**
 * Runs one task process in its own process group with its output appended to the try's log,
 * and reports its outcome. An execution timeout or `kill()` stops the whole process tree (SIGTERM,
 * then SIGKILL after the grace period) and fails the try. Background processes the task leaves
 * behind when its main process exits are killed too: the outcome settles only when every process
 * of the try is gone, so that retries never overlap with leftovers. The outcome never rejects.
 *
 * The process is started by the task launcher (see TaskLauncher: forking from the engine costs
 * more the more memory it holds), so its pid is known a moment after this returns (`started`).
 * Its stdout and stderr are the log file itself (opened for appending), not pipes: the
 * output reaches the file in the order it was printed, however much there is, without passing
 * through the engine, and starting or ending a try costs no pipes, no stream plumbing and no
 * thread-pool round trips (see bench/schedulerSuite.ts, `chain_bash_ratio`). The last line of
 * output, when asked for, is read back from the end of the file once the process group is gone.
 * A process that left the group (`setsid`, a daemon) keeps its copy of the descriptor and may
 * still append to the log after the try has ended; the task does not wait for it.
 */
export function runChildProcess(options: ChildProcessOptions): RunningTask {
  let log: TaskLog;
  try {
    log = TaskLog.open(options.logFile, options.source);
  } catch (error) {
    return finishedTask(withCleanup(options, { state: 'failed', error: (error as Error).message }));
  }
  log.info(
    `Running command: ${options.displayCommand ?? JSON.stringify([options.command, ...options.args])}`,
    `Working directory: ${options.cwd}`,
    ...(options.executionTimeoutMs === undefined ? [] : [`Execution timeout: ${formatDuration(options.executionTimeoutMs)}`]),
    'Output:',
  );
  const outputStart = options.captureLastLine ? log.size() : 0;

  const startedAt = Date.now();
  let pid: number | undefined;
  let processToken: string | undefined;
  const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  let groupKill: Promise<boolean> | undefined;
  const killGroup = (): Promise<boolean> => (groupKill ??= pid === undefined ? Promise.resolve(true) : killProcessGroup(pid, graceMs));
  let stop: Stop | undefined;
  let hasExited = false;
  const stopTry = (next: Stop): void => {
    if (stop || hasExited) return;
    stop = next;
    log.warning(`${next.reason}; stopping the process tree (SIGTERM, then SIGKILL after ${formatDuration(graceMs)})`);
    if (pid !== undefined) void killGroup();
  };

  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const exited = new Promise<LaunchExit | { startError: Error }>((resolve) => {
    (options.launcher ?? sharedTaskLauncher()).launch(
      { command: options.command, args: options.args, cwd: options.cwd, env: options.env, logFile: options.logFile },
      {
        spawned: (spawnedPid, token) => {
          pid = spawnedPid;
          processToken = token;
          markStarted();
          // A stop asked for before the process was known takes effect now.
          if (stop) void killGroup();
          // While the process runs: the log folder of the next try to start (see spareLogFolder).
          prepareSpareLogFolder(path.dirname(options.logFile));
        },
        failed: (error) => {
          markStarted();
          resolve({ startError: error });
        },
        exited: resolve,
      },
    );
  });

  const timer =
    options.executionTimeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          stopTry({ reason: `Timed out after ${formatDuration(options.executionTimeoutMs!)} (execution_timeout)`, timedOut: true });
        }, options.executionTimeoutMs);

  const outcome = (async (): Promise<TaskOutcome> => {
    try {
      const exit = await exited;
      if ('startError' in exit) {
        if (timer) clearTimeout(timer);
        return await failStart(options, log, exit.startError);
      }
      const { code, signal } = exit;
      hasExited = true;
      if (timer) clearTimeout(timer);
      // Kills what the main process left running in the background; instant when nothing is left.
      const gone = await killGroup();
      // Nothing of the group can print any more: the task's output ends here.
      const outputEnd = options.captureLastLine && !stop ? log.size() : 0;
      if (!gone) log.error(`Some processes of group ${pid} survived SIGKILL (stuck in the kernel); they may still hold resources`);
      const durationMs = Date.now() - startedAt;
      if (exit.lost !== undefined) log.error(`The task's end was not seen: ${exit.lost}`);
      else
        log.info(
          signal
            ? `Process was killed by ${signal} after ${formatDuration(durationMs)}`
            : `Command exited with return code ${code} after ${formatDuration(durationMs)}`,
        );
      let result: TaskOutcome;
      if (exit.lost !== undefined) {
        result = { state: 'failed', error: `The task's exit status is unknown: ${exit.lost}.` };
      } else if (stop) {
        result = {
          state: 'failed',
          error: stop.timedOut ? `${stop.reason}; the task's process tree was killed` : stop.reason,
          ...(stop.timedOut ? { timedOut: true } : {}),
          ...(code === null ? {} : { exitCode: code }),
        };
      } else {
        const last = options.captureLastLine ? readLastLine(log.descriptor!, outputStart, outputEnd) : undefined;
        if (last?.truncated) log.warning('The last line of output was longer than 8 MiB; its XCom keeps only the beginning');
        result = await options.interpretExit({ exitCode: code, signal, lastLine: last?.line, durationMs, log });
      }
      logOutcome(log, result);
      await log.close();
      return await withCleanup(options, result);
    } catch (error) {
      log.error(`Internal error while finishing the task: ${(error as Error).stack ?? String(error)}`);
      await log.close();
      return withCleanup(options, { state: 'failed', error: `Internal error while finishing the task: ${(error as Error).message}` });
    }
  })();

  return {
    get pid() {
      return pid;
    },
    get processToken() {
      return processToken;
    },
    started,
    outcome,
    kill: (reason: string) => stopTry({ reason, timedOut: false }),
  };
}

function failStart(options: ChildProcessOptions, log: TaskLog, error: Error): Promise<TaskOutcome> {
  const code = (error as NodeJS.ErrnoException).code;
  const what =
    code === 'ENOENT' ? `'${options.command}' was not found (or the working directory ${options.cwd} does not exist)` : error.message;
  const message = `Could not start ${options.source} task: ${what}.${options.startFailureHint ? ` ${options.startFailureHint}` : ''}`;
  log.error(message);
  return log.close().then(() => withCleanup(options, { state: 'failed', error: message }));
}

function logOutcome(log: TaskLog, outcome: TaskOutcome): void {
  if (outcome.state === 'success') log.info(`Task succeeded${outcome.message ? `: ${outcome.message}` : ''}`);
  else if (outcome.state === 'skipped') log.info(`Task skipped${outcome.message ? `: ${outcome.message}` : ''}`);
  else log.error(`Task failed: ${outcome.error ?? 'no reason given'}`);
}

async function withCleanup(options: ChildProcessOptions, outcome: TaskOutcome): Promise<TaskOutcome> {
  try {
    await options.cleanup?.();
  } catch {
    // A temp folder that cannot be removed does not change how the task ended.
  }
  return outcome;
}
