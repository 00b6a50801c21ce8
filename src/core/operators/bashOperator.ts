import type { TaskSpec } from '../dag/dagFile';
import { buildTaskEnv } from '../executor/buildTaskEnv';
import { failedBeforeStart } from '../executor/failedBeforeStart';
import { resolveExecutable } from '../executor/resolveExecutable';
import { runChildProcess } from '../executor/runChildProcess';
import type { Operator, RunningTask, TaskOutcome, TaskRunContext } from '../executor/taskExecution';
import { resolveTaskCwd } from './resolveTaskCwd';
import { TaskArguments } from './TaskArguments';

/** Airflow's default `skip_on_exit_code`. */
const DEFAULT_SKIP_EXIT_CODES: readonly number[] = [99];

/**
 * Airflow's BashOperator: runs `bash_command` with `bash -c` in its own process group.
 * Exit 0 succeeds with the last non-blank line of output as its XCom (an empty string when
 * nothing was printed, as Airflow's SubprocessHook returns). Output is stdout and stderr
 * together, in the order they were printed, as Airflow reads them (its SubprocessHook sends
 * stderr to stdout): a warning printed on stderr after the result is the XCom there too. An
 * exit code listed in `skip_on_exit_code` (default 99; `null` for none) skips the task; any
 * other code fails it.
 *
 * Environment, exactly as Airflow: no `env` inherits the engine's environment; `env` with
 * `append_env: true` adds to it; `env` alone replaces it entirely. In that last case PATH is
 * whatever `env` says: when it has none, bash falls back to its built-in default
 * (`/usr/local/bin:/usr/bin:/bin:...`), so standard tools still resolve. The `AIRFLOW_CTX_*`
 * variables are always set. `cwd` is relative to the workspace, which is also the default
 * (Airflow uses a temporary folder; a workspace-relative default is what editor users expect).
 */
export const bashOperator: Operator = {
  name: 'bash',
  start(task: TaskSpec, context: TaskRunContext): RunningTask {
    let command: string;
    let env: Record<string, string> | undefined;
    let appendEnv: boolean;
    let cwd: string;
    let skipCodes: readonly number[];
    try {
      const args = new TaskArguments(task);
      command = args.requiredString('bash_command');
      env = args.optionalStringMap('env');
      appendEnv = args.optionalBoolean('append_env') ?? false;
      skipCodes = readSkipCodes(task, args);
      cwd = resolveTaskCwd(args.optionalString('cwd'), context);
    } catch (error) {
      return failedBeforeStart(context, 'bash', error);
    }
    const bash = context.interpreters?.bash ?? 'bash';
    return runChildProcess({
      command: resolveExecutable(bash, context.workspaceDir),
      args: ['-c', command],
      displayCommand: JSON.stringify([bash, '-c', command]),
      cwd,
      env: buildTaskEnv(context, env, env === undefined || appendEnv),
      logFile: context.logFile,
      source: 'bash',
      executionTimeoutMs: context.executionTimeoutMs,
      killGraceMs: context.killGraceMs,
      captureLastLine: true,
      startFailureHint: 'Install bash or set "dagstream.bashPath" to its location.',
      interpretExit: ({ exitCode, signal, lastLine }): TaskOutcome => {
        if (exitCode === 0) return { state: 'success', exitCode, xcom: lastLine ?? '' };
        if (exitCode === null) return { state: 'failed', error: `Bash command was killed by ${signal ?? 'a signal'}` };
        if (skipCodes.includes(exitCode))
          return { state: 'skipped', exitCode, message: `Bash command exited with code ${exitCode} (skip_on_exit_code)` };
        return { state: 'failed', exitCode, error: `Bash command failed: exit code ${exitCode}` };
      },
    });
  },
};

function readSkipCodes(task: TaskSpec, args: TaskArguments): readonly number[] {
  const value = task.skip_on_exit_code;
  if (value === undefined) return DEFAULT_SKIP_EXIT_CODES;
  if (value === null) return [];
  const codes = Array.isArray(value) ? value : [value];
  if (!codes.every((code) => Number.isInteger(code)))
    throw args.error('skip_on_exit_code', 'must be an exit code, a list of exit codes, or null');
  return codes as number[];
}
