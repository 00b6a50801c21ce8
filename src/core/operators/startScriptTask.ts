import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildTaskEnv } from '../executor/buildTaskEnv';
import { failedBeforeStart } from '../executor/failedBeforeStart';
import { runChildProcess, type ChildExit } from '../executor/runChildProcess';
import type { RunningTask, TaskOutcome, TaskRunContext } from '../executor/taskExecution';

/** Environment variables through which a runner script finds its input and reports its result. */
export const CONTEXT_FILE_ENV = 'DAGSTREAM_CONTEXT_FILE';
export const RESULT_FILE_ENV = 'DAGSTREAM_RESULT_FILE';

export interface ScriptTaskOptions {
  /** `python` or `node`, for messages and log lines. */
  source: string;
  /** Interpreter, already resolved. */
  command: string;
  /** Arguments that make the interpreter run the runner script. */
  args: readonly string[];
  displayCommand: string;
  cwd: string;
  taskEnv: Record<string, string> | undefined;
  /** Added after the task's env (e.g. ELECTRON_RUN_AS_NODE), overriding it. */
  runnerEnv: Record<string, string>;
  /** The runner's input, written as JSON to the context file. */
  input: unknown;
  /** Extra files for the runner (e.g. transpiled code): name in the temp folder -> content. */
  files?: Record<string, string>;
  startFailureHint: string;
}

/** Shape of the result file the runners write (see the runner sources). */
interface RunnerResult {
  state: 'success' | 'failed' | 'skipped';
  xcom?: unknown;
  error?: string;
  message?: string;
  /** AirflowFailException: fail without using the task's retries. */
  no_retry?: boolean;
}

/**
 * Runs user code through a runner script in a child process. The runner reads its input from a
 * context file and writes its result to a result file, both in a temporary folder named by
 * environment variables; stdout and stderr stay free for the user's output, which goes to the log.
 */
export function startScriptTask(context: TaskRunContext, options: ScriptTaskOptions): RunningTask {
  let workDir: string;
  try {
    // Synchronous on purpose: `start` returns the pid at once, so the files must exist first.
    workDir = mkdtempSync(path.join(tmpdir(), `dagstream-${options.source}-`));
  } catch (error) {
    return failedBeforeStart(
      context,
      options.source,
      new Error(`Could not create a temporary folder for the task: ${(error as Error).message}`),
    );
  }
  const contextFile = path.join(workDir, 'context.json');
  const resultFile = path.join(workDir, 'result.json');
  try {
    writeFileSync(contextFile, JSON.stringify(options.input));
    for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(path.join(workDir, name), content);
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    const reason = error instanceof TypeError ? `its context is not JSON-serialisable (${error.message})` : (error as Error).message;
    return failedBeforeStart(context, options.source, new Error(`Could not prepare the ${options.source} task: ${reason}`));
  }
  const env = {
    ...buildTaskEnv(context, options.taskEnv, true),
    ...options.runnerEnv,
    [CONTEXT_FILE_ENV]: contextFile,
    [RESULT_FILE_ENV]: resultFile,
  };
  return runChildProcess({
    command: options.command,
    args: options.args,
    displayCommand: options.displayCommand,
    cwd: options.cwd,
    env,
    logFile: context.logFile,
    source: options.source,
    executionTimeoutMs: context.executionTimeoutMs,
    killGraceMs: context.killGraceMs,
    startFailureHint: options.startFailureHint,
    interpretExit: (exit) => readResult(resultFile, exit, options.source),
    cleanup: () => rm(workDir, { recursive: true, force: true }),
  });
}

async function readResult(resultFile: string, exit: ChildExit, source: string): Promise<TaskOutcome> {
  const exitCode = exit.exitCode === null ? {} : { exitCode: exit.exitCode };
  let text: string;
  try {
    text = await readFile(resultFile, 'utf8');
  } catch {
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
    return {
      state: 'failed',
      ...exitCode,
      error: `The ${source} process ${how} before reporting a result; see the task's log for its output.`,
    };
  }
  const result = JSON.parse(text) as RunnerResult;
  if (result.state === 'success')
    return { state: 'success', ...exitCode, ...(result.xcom === undefined || result.xcom === null ? {} : { xcom: result.xcom }) };
  if (result.state === 'skipped')
    return {
      state: 'skipped',
      ...exitCode,
      message: result.message ? `Skipped: ${result.message}` : 'Skipped by the task (AirflowSkipException)',
    };
  return {
    state: 'failed',
    ...exitCode,
    error: result.error ?? `The ${source} task failed without a message; see the task's log.`,
    ...(result.no_retry === true ? { noRetry: true } : {}),
  };
}
