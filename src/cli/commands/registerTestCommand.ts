import * as path from 'node:path';
import type { Command } from 'commander';
import { openEngine, type Engine } from '../../core/engine/openEngine';
import { resolveRunParams } from '../../core/engine/resolveRunParams';
import { SchedulerLockHeldError } from '../../core/store/schedulerLock';
import { describeRun, formatRunTable } from '../describeRun';
import { collect, parseParamArgs } from '../parseParamArgs';
import { err, out, WORKSPACE_OPTION } from './cliOutput';

/**
 * `dagstream test <file>`: one run now, start to finish, in this process (Airflow's
 * `airflow dags test`): ignores the pause flag, prints each task's state as it changes and the
 * run's result; exit 0 when the run succeeded, 1 otherwise.
 */
export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description('run a DAG once now, start to finish; exit 0 if the run succeeded, 1 if it failed')
    .argument('<file>', 'the .dag.json file')
    .option('-p, --param <name=value>', 'run parameter (repeatable), checked against its schema', collect, [])
    .option('--json', 'print the run as JSON on the last line of stdout')
    .option(...WORKSPACE_OPTION)
    .action(async (file: string, options: { param: string[]; json?: boolean; workspace: string }) => {
      const workspaceDir = path.resolve(options.workspace);
      const overrides = parseParamArgs(options.param);
      let engine: Engine;
      try {
        engine = await openEngine({ workspaceDir, files: [file], mode: 'exclusive', ignorePause: true, resumeRuns: false });
      } catch (error) {
        if (!(error instanceof SchedulerLockHeldError)) throw error;
        err(`note: ${error.message.split(';')[0]}; this test run keeps its metadata in a temporary folder.`);
        engine = await openEngine({ workspaceDir, files: [file], mode: 'ephemeral', ignorePause: true, resumeRuns: false });
      }
      try {
        const loaded = engine.loaded[0];
        if (!loaded?.compiled) {
          for (const line of loaded?.problems ?? [`${file}: error: not loaded`]) err(line);
          process.exitCode = 1;
          return;
        }
        const resolved = resolveRunParams(loaded.compiled, overrides);
        if (!resolved.ok) {
          for (const line of resolved.errors) err(`error: ${line}`);
          process.exitCode = 1;
          return;
        }
        engine.scheduler.on('taskStateChanged', (e) => {
          if (e.state === 'running' || e.state === 'scheduled' || e.state === 'queued' || e.state === 'none') {
            if (e.state === 'running') err(`${new Date().toISOString()}  ${e.taskId}  running (try ${e.tryNumber})`);
            return;
          }
          err(`${new Date().toISOString()}  ${e.taskId}  ${e.state}${e.ti.error ? `: ${e.ti.error}` : ''}`);
        });
        await engine.scheduler.start();
        const run = engine.scheduler.triggerRun(loaded.compiled.dagId, resolved.params);
        err(`Running ${loaded.compiled.dagId} as ${run.runId}`);
        const finished = await engine.scheduler.waitForRun(run.dagId, run.runId);
        const summary = describeRun(engine.store, finished);
        if (options.json) out(JSON.stringify(summary));
        else out(formatRunTable(summary));
        process.exitCode = finished.state === 'success' ? 0 : 1;
      } finally {
        await engine.scheduler.stop(0);
        await engine.close();
      }
    });
}
