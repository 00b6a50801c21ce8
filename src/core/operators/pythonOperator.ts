import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { TaskSpec } from '../dag/dagFile';
import { failedBeforeStart } from '../executor/failedBeforeStart';
import { resolveExecutable } from '../executor/resolveExecutable';
import type { Operator, RunningTask, TaskRunContext } from '../executor/taskExecution';
import { buildCodeContext } from './buildCodeContext';
import { PYTHON_RUNNER_SOURCE } from './pythonRunnerSource';
import { resolveTaskCwd } from './resolveTaskCwd';
import { startScriptTask } from './startScriptTask';
import { TaskArguments } from './TaskArguments';

/**
 * Runs a function `main(context)` from inline `code` or a workspace `code_file` with Python
 * (`python` argument, else `dagstream.pythonPath`, else `python3`; relative paths such as
 * `.venv/bin/python` are taken from the workspace). Its JSON-serialisable return value is the
 * XCom; `None` pushes none, as in Airflow. `op_kwargs` are passed as keyword arguments and
 * `templates_dict` is added to the context, as with Airflow's PythonOperator. See
 * pythonRunnerSource.ts for how `main` is called and buildCodeContext.ts for `ti.xcom_pull`.
 */
export const pythonOperator: Operator = {
  name: 'python',
  untemplatedArguments: ['code'],
  start(task: TaskSpec, context: TaskRunContext): RunningTask {
    let input: Record<string, unknown>;
    let cwd: string;
    let env: Record<string, string> | undefined;
    let python: string;
    let label: string;
    try {
      const args = new TaskArguments(task);
      const code = args.optionalString('code');
      const codeFile = args.optionalString('code_file');
      if ((code === undefined) === (codeFile === undefined)) throw args.error('code', 'or "code_file" must be given (exactly one of them)');
      const opKwargs = args.optionalObject('op_kwargs') ?? {};
      const templatesDict = args.optionalObject('templates_dict');
      env = args.optionalStringMap('env');
      cwd = resolveTaskCwd(args.optionalString('cwd'), context);
      python = args.optionalString('python') ?? context.interpreters?.python ?? 'python3';
      let absoluteFile: string | undefined;
      if (codeFile !== undefined) {
        absoluteFile = path.resolve(context.workspaceDir, codeFile);
        if (!existsSync(absoluteFile))
          throw args.error('code_file', `points to ${absoluteFile}, which does not exist. Paths are relative to the workspace folder`);
      }
      label = absoluteFile ? `code_file ${codeFile}` : 'inline code';
      input = {
        code: code ?? null,
        code_file: absoluteFile ?? null,
        filename: absoluteFile ?? `<${context.dagId}.${context.taskId} inline code>`,
        workspace: context.workspaceDir,
        op_kwargs: opKwargs,
        ...buildCodeContext(task, context, { op_kwargs: opKwargs, ...(templatesDict ? { templates_dict: templatesDict } : {}) }),
      };
    } catch (error) {
      return failedBeforeStart(context, 'python', error);
    }
    return startScriptTask(context, {
      source: 'python',
      command: resolveExecutable(python, context.workspaceDir),
      args: ['-c', PYTHON_RUNNER_SOURCE],
      displayCommand: `${python} -c <dagstream python runner> (${label}, calling main)`,
      cwd,
      taskEnv: env,
      // Unbuffered, so the log follows the task live and prints interleave with tracebacks in order.
      runnerEnv: { PYTHONUNBUFFERED: '1' },
      input,
      startFailureHint: 'Install Python 3, or set "dagstream.pythonPath" (or the task\'s "python" argument) to the interpreter to use.',
    });
  },
};
