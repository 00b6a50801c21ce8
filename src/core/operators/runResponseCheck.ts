import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LastLineTracker } from '../executor/LastLineTracker';
import { killProcessGroup, spawnProcessGroup } from '../executor/processTree';
import { resolveExecutable } from '../executor/resolveExecutable';
import type { TaskLog } from '../executor/TaskLog';
import type { TaskRunContext } from '../executor/taskExecution';

/** What `response_check` sees. */
export interface CheckedResponse {
  status: number;
  headers: Record<string, string>;
  json: unknown;
  text: string;
}

export type ResponseCheckResult = { passed: true } | { passed: false; error: string };

const CHECK_SCRIPT = String.raw`
'use strict';
const input = JSON.parse(require('node:fs').readFileSync(process.env.DAGSTREAM_CONTEXT_FILE, 'utf8'));
const fail = (error) => {
  console.error('response_check threw ' + (error && error.name ? error.name + ': ' + error.message : String(error)));
  process.exit(2);
};
try {
  const check = new Function('response', '"use strict";\nreturn (' + input.expression + '\n);');
  Promise.resolve(check(input.response)).then((passed) => process.exit(passed ? 0 : 3), fail);
} catch (error) {
  fail(error);
}
`;

/**
 * Evaluates an http task's `response_check` (a JavaScript expression over `response`) in a
 * child Node process: it is user code, which never runs in the engine. Its output goes to the
 * task's log; aborting `signal` kills it.
 */
export async function runResponseCheck(
  expression: string,
  response: CheckedResponse,
  context: TaskRunContext,
  log: TaskLog,
  signal: AbortSignal,
): Promise<ResponseCheckResult> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'dagstream-http-'));
  try {
    const inputFile = path.join(workDir, 'check.json');
    await writeFile(inputFile, JSON.stringify({ expression, response }));
    const node = context.interpreters?.node ?? process.execPath;
    const child = spawnProcessGroup(resolveExecutable(node, context.workspaceDir), ['-e', CHECK_SCRIPT], {
      cwd: context.workspaceDir,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', DAGSTREAM_CONTEXT_FILE: inputFile },
      // stdout straight into the log; stderr through the engine, whose last line is the error to report.
      stdio: ['ignore', log.descriptor ?? 'ignore', 'pipe'],
    });
    const stderrTail = new LastLineTracker(4096);
    child.stderr!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      stderrTail.push(chunk);
    });
    const abort = (): void => {
      if (child.pid !== undefined) void killProcessGroup(child.pid, 1000);
    };
    signal.addEventListener('abort', abort, { once: true });
    const code = await new Promise<number | null>((resolve) => {
      child.once('error', (error) => {
        log.error(`Could not start node for response_check: ${error.message}`);
        resolve(null);
      });
      child.once('close', (exitCode) => resolve(exitCode));
    });
    signal.removeEventListener('abort', abort);
    if (code === 0) return { passed: true };
    if (code === 3) return { passed: false, error: `response_check returned a falsy value: ${expression}` };
    return { passed: false, error: stderrTail.finish() ?? `response_check could not be evaluated (exit code ${code}); see the log` };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
