import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../dag/dagFile';
import { createTestRunContext, removeTestWorkspaces } from '../executor/createTestRunContext';
import type { TaskRunContext } from '../executor/taskExecution';
import { startTask } from './operatorRegistry';

function node(code: string, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { task_id: 'task', operator: 'node', code, ...extra };
}

async function run(task: TaskSpec, context: TaskRunContext = createTestRunContext()) {
  const outcome = await startTask(task, context).outcome;
  return { outcome, log: readFileSync(context.logFile, 'utf8'), context };
}

afterAll(removeTestWorkspaces);

describe('node operator', () => {
  it('awaits the default export with the context; its value is the XCom and console output goes to the log', async () => {
    const context = createTestRunContext({ xcoms: { extract: { temp: 31.5 } } });
    const code = `
      import * as path from 'node:path';
      export default async function (context) {
        console.log('hello from node');
        console.error('to stderr');
        await new Promise((resolve) => setTimeout(resolve, 10));
        return { ds: context.ds, city: context.params.city, temp: context.ti.xcom_pull('extract').temp, env: process.env.AIRFLOW_CTX_TASK_ID, sep: path.sep };
      }`;
    const { outcome, log } = await run(node(code, { upstream: ['extract'] }), context);
    expect(outcome).toEqual({
      state: 'success',
      exitCode: 0,
      xcom: { ds: '2026-11-25', city: 'Lisbon', temp: 31.5, env: 'task', sep: '/' },
    });
    expect(log).toContain('hello from node\n');
    expect(log).toContain('to stderr\n');
  });

  it('runs inline TypeScript, transpiled with sucrase', async () => {
    const code = `
      interface Reading { city: string; celsius: number }
      type Context = { params: { city: string } };
      const toCelsius = (f: number): number => Math.round(((f - 32) * 5) / 9);
      export default async function (context: Context): Promise<Reading> {
        const reading: Reading = { city: context.params.city, celsius: toCelsius(98.6) };
        return reading;
      }`;
    const { outcome } = await run(node(code, { language: 'typescript' }));
    expect(outcome.xcom).toEqual({ city: 'Lisbon', celsius: 37 });
  });

  it('runs a TypeScript code_file that requires a file beside it, and an .mjs file natively', async () => {
    const context = createTestRunContext();
    writeFileSync(path.join(context.workspaceDir, 'units.cjs'), 'module.exports.double = (n) => n * 2;\n');
    writeFileSync(
      path.join(context.workspaceDir, 'task.ts'),
      "import { double } from './units.cjs';\nexport default (context: { ti: { try_number: number } }): number => double(21) + context.ti.try_number - 1;\n",
    );
    expect((await run({ task_id: 'task', operator: 'node', code_file: 'task.ts' }, context)).outcome.xcom).toBe(42);

    writeFileSync(
      path.join(context.workspaceDir, 'task.mjs'),
      'const top = await Promise.resolve(5);\nexport default async ({ ds }) => `${ds}:${top}`;\n',
    );
    expect((await run({ task_id: 'task', operator: 'node', code_file: 'task.mjs' }, context)).outcome.xcom).toBe('2026-11-25:5');
  });

  it('fails with the error message, the stack in the log pointing at the user line', async () => {
    const { outcome, log } = await run(
      node('export default async function () {\n  throw new TypeError("boom");\n}', { language: 'typescript' }),
    );
    expect(outcome).toEqual({ state: 'failed', exitCode: 1, error: 'TypeError: boom' });
    expect(log).toContain('TypeError: boom');
    expect(log).toContain('<weather.task inline TypeScript>:2');
  });

  it('skips on AirflowSkipException', async () => {
    const { outcome } = await run(node('export default (context) => { throw new context.AirflowSkipException("nothing new"); }'));
    expect(outcome).toEqual({ state: 'skipped', exitCode: 0, message: 'Skipped: nothing new' });
  });

  it('fails clearly: no default export, not serialisable, syntax error, non-upstream xcom_pull', async () => {
    expect((await run(node('export const x = 1;'))).outcome.error).toContain('The module has no default export to call');
    expect((await run(node('export default () => ({ n: 10n })'))).outcome.error).toContain(
      'not JSON-serialisable (TypeError: Do not know how to serialize a BigInt)',
    );
    const syntax = await run(node('export default () => {', { language: 'typescript' }));
    expect(syntax.outcome.error).toContain('Could not compile <weather.task inline TypeScript> (TypeScript)');
    expect(syntax.log).toContain('Task failed before it started: Could not compile');
    const pull = await run(node("export default (c) => c.ti.xcom_pull('ghost')"));
    expect(pull.outcome.error).toContain(
      'ti.xcom_pull("ghost"): a node task can pull the values of its upstream tasks only (upstream: none)',
    );
  });

  it('exits when the function settles even if handles stay open', async () => {
    const { outcome } = await run(node('export default async () => { setInterval(() => {}, 1000); return "done"; }'));
    expect(outcome.xcom).toBe('done');
  });

  it('times out and kills the process', async () => {
    const context = createTestRunContext({ executionTimeoutMs: 700, killGraceMs: 200 });
    const { outcome } = await run(node('export default () => new Promise(() => { setInterval(() => {}, 1000); })'), context);
    expect(outcome).toMatchObject({
      state: 'failed',
      timedOut: true,
      error: "Timed out after 700ms (execution_timeout); the task's process tree was killed",
    });
  });
});
