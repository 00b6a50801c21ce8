import type { ChildProcess } from 'node:child_process';
import { finishedTask } from './finishedTask';
import { formatDuration } from './formatDuration';
import { LastLineTracker } from './LastLineTracker';
import { killProcessGroup, readProcessToken, spawnProcessGroup } from './processTree';
import { TaskLog } from './TaskLog';
import type { RunningTask, TaskOutcome } from './taskExecution';

export const DEFAULT_KILL_GRACE_MS = 5000;
/**
 * After the task's process group is gone, how long to wait for its output pipes to close. Only a
 * process that left the group (`setsid`, a daemon) can still hold them; the task does not wait
 * for such a process.
 */
const STREAM_CLOSE_LIMIT_MS = 2000;

/** How the task's main process ended, for the operator to turn into an outcome. */
export interface ChildExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Last non-blank line of stdout (trailing whitespace removed), when asked for. */
  lastStdoutLine: string | undefined;
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
  captureLastStdoutLine?: boolean;
  /** Appended to "Could not start ..." when the executable cannot be spawned, e.g. which setting to change. */
  startFailureHint?: string;
  /** Turns a normal exit (not a timeout or kill) into the try's outcome. May throw; never rejects the outcome. */
  interpretExit(exit: ChildExit): TaskOutcome | Promise<TaskOutcome>;
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
 */
export function runChildProcess(options: ChildProcessOptions): RunningTask {
  let log: TaskLog;
  try {
    log = TaskLog.open(options.logFile, options.source);
  } catch (error) {
    return finishedTask(withCleanup(options, { state: 'failed', error: (error as Error).message }));
  }
  log.info(`Running command: ${options.displayCommand ?? JSON.stringify([options.command, ...options.args])}`);
  log.info(`Working directory: ${options.cwd}`);
  if (options.executionTimeoutMs !== undefined) log.info(`Execution timeout: ${formatDuration(options.executionTimeoutMs)}`);
  log.info('Output:');

  const startedAt = Date.now();
  let child: ChildProcess;
  try {
    child = spawnProcessGroup(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return finishedTask(failStart(options, log, error as Error));
  }
  const pid = child.pid;
  if (pid === undefined) {
    // Spawn failures (ENOENT, EACCES, a missing cwd) arrive as an 'error' event.
    const outcome = new Promise<Error>((resolve) => child.once('error', resolve)).then((error) => failStart(options, log, error));
    return finishedTask(outcome);
  }

  const processToken = readProcessToken(pid);
  const tracker = options.captureLastStdoutLine ? new LastLineTracker() : undefined;
  child.stdout!.pipe(log.stream, { end: false });
  child.stderr!.pipe(log.stream, { end: false });
  if (tracker) child.stdout!.on('data', (chunk: Buffer) => tracker.push(chunk));

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // Errors after a successful spawn (a failed kill) must not crash the engine; the group kill covers them.
  child.on('error', () => undefined);

  const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  let groupKill: Promise<boolean> | undefined;
  const killGroup = (): Promise<boolean> => (groupKill ??= killProcessGroup(pid, graceMs));
  let stop: Stop | undefined;
  let hasExited = false;
  const stopTry = (next: Stop): void => {
    if (stop || hasExited) return;
    stop = next;
    log.warning(`${next.reason}; stopping the process tree (SIGTERM, then SIGKILL after ${formatDuration(graceMs)})`);
    void killGroup();
  };

  const timer =
    options.executionTimeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          stopTry({ reason: `Timed out after ${formatDuration(options.executionTimeoutMs!)} (execution_timeout)`, timedOut: true });
        }, options.executionTimeoutMs);

  const outcome = (async (): Promise<TaskOutcome> => {
    try {
      const { code, signal } = await exited;
      hasExited = true;
      if (timer) clearTimeout(timer);
      // Kills what the main process left running in the background; instant when nothing is left.
      const gone = await killGroup();
      if (!gone) log.error(`Some processes of group ${pid} survived SIGKILL (stuck in the kernel); they may still hold resources`);
      const streamsClosed = await settlesWithin(closed, STREAM_CLOSE_LIMIT_MS);
      if (!streamsClosed) {
        log.warning("A process outside the task's process group still holds its output; no longer reading it");
        child.stdout?.destroy();
        child.stderr?.destroy();
      }
      const durationMs = Date.now() - startedAt;
      log.info(
        signal
          ? `Process was killed by ${signal} after ${formatDuration(durationMs)}`
          : `Command exited with return code ${code} after ${formatDuration(durationMs)}`,
      );
      let result: TaskOutcome;
      if (stop) {
        result = {
          state: 'failed',
          error: stop.timedOut ? `${stop.reason}; the task's process tree was killed` : stop.reason,
          ...(stop.timedOut ? { timedOut: true } : {}),
          ...(code === null ? {} : { exitCode: code }),
        };
      } else {
        const lastStdoutLine = tracker?.finish();
        if (tracker?.truncated) log.warning('The last line of output was longer than 8 MiB; its XCom keeps only the beginning');
        result = await options.interpretExit({ exitCode: code, signal, lastStdoutLine, durationMs, log });
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
    pid,
    processToken,
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

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
