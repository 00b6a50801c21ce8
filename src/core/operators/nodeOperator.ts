import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TaskSpec } from '../dag/dagFile';
import { failedBeforeStart } from '../executor/failedBeforeStart';
import { resolveExecutable } from '../executor/resolveExecutable';
import type { Operator, RunningTask, TaskRunContext } from '../executor/taskExecution';
import { buildCodeContext } from './buildCodeContext';
import { NODE_RUNNER_SOURCE } from './nodeRunnerSource';
import { resolveTaskCwd } from './resolveTaskCwd';
import { startScriptTask } from './startScriptTask';
import { TaskArguments } from './TaskArguments';
import { transpileTaskCode } from './transpileTaskCode';

const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);
const NATIVE_EXTENSIONS = new Set(['.mjs', '.cjs']);
const COMPILED_EXTENSIONS = new Set(['.js', ...TYPESCRIPT_EXTENSIONS]);
const LANGUAGES: Record<string, boolean> = { javascript: false, js: false, typescript: true, ts: true };

/**
 * Runs JavaScript or TypeScript whose default export is `async function (context)`; its
 * JSON-serialisable return value is the XCom. Inline `code` (with `language`: `javascript`, the
 * default, or `typescript`) or a workspace `code_file` (.js, .mjs, .cjs, .ts, .mts, .cts).
 * TypeScript and .js files are transpiled to CommonJS with sucrase in the engine; .mjs and .cjs
 * files are loaded by Node as they are. A TypeScript task is one file: it may import packages and
 * .js files, but another .ts file would need a loader, which the runner does not install.
 * Top-level `await` needs an .mjs file (CommonJS has none).
 * Runs with `dagstream.nodePath`, else the engine's own executable with ELECTRON_RUN_AS_NODE=1,
 * which is plain Node under the CLI and VS Code's bundled Node inside the extension host.
 */
export const nodeOperator: Operator = {
  name: 'node',
  untemplatedArguments: ['code'],
  start(task: TaskSpec, context: TaskRunContext): RunningTask {
    let input: Record<string, unknown>;
    let files: Record<string, string>;
    let cwd: string;
    let env: Record<string, string> | undefined;
    let label: string;
    try {
      const args = new TaskArguments(task);
      const code = args.optionalString('code');
      const codeFile = args.optionalString('code_file');
      if ((code === undefined) === (codeFile === undefined)) throw args.error('code', 'or "code_file" must be given (exactly one of them)');
      env = args.optionalStringMap('env');
      cwd = resolveTaskCwd(args.optionalString('cwd'), context);
      files = {};
      const compiledName = 'task.cjs';
      let load: 'import' | 'compiled' = 'compiled';
      let entryFile: string;
      let displayFile: string;
      if (code !== undefined) {
        const language = (args.optionalString('language') ?? 'javascript').toLowerCase();
        const typescript = LANGUAGES[language];
        if (typescript === undefined) throw args.error('language', `must be "javascript" or "typescript", got "${language}"`);
        // Not a real file: it makes require() resolve from the workspace and its node_modules.
        entryFile = path.join(context.workspaceDir, `${context.taskId}.inline${typescript ? '.ts' : '.js'}`);
        displayFile = `<${context.dagId}.${context.taskId} inline ${typescript ? 'TypeScript' : 'JavaScript'}>`;
        files[compiledName] = transpileTaskCode(code, typescript, displayFile);
        label = `inline ${typescript ? 'TypeScript' : 'JavaScript'}`;
      } else {
        entryFile = path.resolve(context.workspaceDir, codeFile!);
        displayFile = entryFile;
        const extension = path.extname(entryFile).toLowerCase();
        if (!NATIVE_EXTENSIONS.has(extension) && !COMPILED_EXTENSIONS.has(extension)) {
          throw args.error('code_file', `must be a .js, .mjs, .cjs, .ts, .mts or .cts file, got "${codeFile}"`);
        }
        if (!existsSync(entryFile))
          throw args.error('code_file', `points to ${entryFile}, which does not exist. Paths are relative to the workspace folder`);
        if (NATIVE_EXTENSIONS.has(extension)) load = 'import';
        else files[compiledName] = transpileTaskCode(readFileSync(entryFile, 'utf8'), TYPESCRIPT_EXTENSIONS.has(extension), entryFile);
        label = `code_file ${codeFile}`;
      }
      input = { load, entryFile, displayFile, compiledFile: compiledName, ...buildCodeContext(task, context) };
    } catch (error) {
      return failedBeforeStart(context, 'node', error);
    }
    const node = context.interpreters?.node ?? process.execPath;
    return startScriptTask(context, {
      source: 'node',
      command: resolveExecutable(node, context.workspaceDir),
      args: ['-e', NODE_RUNNER_SOURCE],
      displayCommand: `${node} -e <dagstream node runner> (${label}, calling its default export)`,
      cwd,
      taskEnv: env,
      runnerEnv: { ELECTRON_RUN_AS_NODE: '1' },
      input,
      files,
      startFailureHint: 'Install Node.js or set "dagstream.nodePath" to its executable.',
    });
  },
};
