import * as path from 'node:path';
import type { Command } from 'commander';
import type { EngineRequest } from '../../core/engine/engineRequests';
import { openEngine } from '../../core/engine/openEngine';
import { parseDagFileId } from '../../core/engine/parseDagFileId';
import { SchedulerLockHeldError } from '../../core/store/schedulerLock';
import { describeRun, formatRunTable } from '../describeRun';
import { collect, parseParamArgs } from '../parseParamArgs';
import { withEngineWriter } from '../withEngineWriter';
import { err, out, WORKSPACE_OPTION } from './cliOutput';

async function send(workspace: string, request: EngineRequest): Promise<void> {
  const response = await withEngineWriter(path.resolve(workspace), request);
  if (!response.ok) throw new Error(response.error);
  out(response.message);
  if (response.via === 'direct' && (request.kind === 'trigger' || request.kind === 'clear')) {
    err('No scheduler is running in this workspace: start one with `dagstream scheduler` to run it.');
  }
}

function parseDate(value: string, option: string): string {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new Error(`Invalid ${option} "${value}": use a date such as 2026-11-01 or an ISO timestamp.`);
  return date.toISOString();
}

/** Commands that change runs, task instances, pause flags and pools. */
export function registerWriteCommands(program: Command): void {
  program
    .command('trigger')
    .description('queue a manual run of a DAG (params checked against their schemas)')
    .argument('<file>', 'the .dag.json file')
    .option('-p, --param <name=value>', 'run parameter (repeatable)', collect, [])
    .option('--logical-date <date>', 'logical date of the run (default: now)')
    .option(...WORKSPACE_OPTION)
    .action(async (file: string, options: { param: string[]; logicalDate?: string; workspace: string }) => {
      const dagId = await parseDagFileId(file);
      await send(options.workspace, {
        kind: 'trigger',
        dagId,
        params: parseParamArgs(options.param),
        ...(options.logicalDate ? { logicalDate: parseDate(options.logicalDate, '--logical-date') } : {}),
      });
    });

  for (const paused of [true, false]) {
    program
      .command(paused ? 'pause' : 'unpause')
      .description(paused ? 'pause a DAG: no new scheduled runs, running runs hold' : 'unpause a DAG so that its schedule creates runs')
      .argument('<dag_id>')
      .option(...WORKSPACE_OPTION)
      .action(async (dagId: string, options: { workspace: string }) => send(options.workspace, { kind: 'pause', dagId, paused }));
  }

  program
    .command('backfill')
    .description('create and run the runs of a date range (skips successful runs unless --reset)')
    .argument('<file>', 'the .dag.json file')
    .requiredOption('--from <date>', 'first logical date (inclusive)')
    .requiredOption('--to <date>', 'last logical date (inclusive)')
    .option('--rerun-failed', 're-run runs of the range that failed')
    .option('--reset', 'clear and re-run every run of the range')
    .option('--json', 'print the runs as a JSON array on the last line of stdout')
    .option(...WORKSPACE_OPTION)
    .action(
      async (
        file: string,
        options: { from: string; to: string; rerunFailed?: boolean; reset?: boolean; json?: boolean; workspace: string },
      ) => {
        const workspaceDir = path.resolve(options.workspace);
        const from = parseDate(options.from, '--from');
        const to = parseDate(options.to, '--to');
        if (from > to) throw new Error(`--from ${options.from} is after --to ${options.to}.`);
        let engine;
        try {
          // Like Airflow 2's `dags backfill`, run the backfill here when no scheduler is running.
          engine = await openEngine({ workspaceDir, files: [file], mode: 'exclusive', ignorePause: true });
        } catch (error) {
          if (!(error instanceof SchedulerLockHeldError)) throw error;
          await send(workspaceDir, {
            kind: 'backfill',
            dagId: await parseDagFileId(file),
            from,
            to,
            rerunFailed: options.rerunFailed === true,
            reset: options.reset === true,
          });
          return;
        }
        try {
          const compiled = engine.loaded[0]?.compiled;
          if (!compiled) throw new Error((engine.loaded[0]?.problems ?? []).join('\n') || `Cannot load ${file}.`);
          const runs = engine.scheduler.backfill(compiled.dagId, new Date(from), new Date(to), {
            rerunFailed: options.rerunFailed === true,
            reset: options.reset === true,
          });
          err(
            `Backfill of ${compiled.dagId}: ${runs.length} run(s) to run${runs.length > 0 ? `: ${runs.map((r) => r.runId).join(', ')}` : ''}`,
          );
          await engine.scheduler.start();
          const finished = await Promise.all(runs.map((r) => engine.scheduler.waitForRun(r.dagId, r.runId)));
          const summaries = finished.map((run) => describeRun(engine.store, run));
          if (options.json) out(JSON.stringify(summaries));
          else for (const summary of summaries) out(formatRunTable(summary));
          process.exitCode = finished.every((r) => r.state === 'success') ? 0 : 1;
        } finally {
          await engine.scheduler.stop(0);
          await engine.close();
        }
      },
    );

  program
    .command('clear')
    .description('clear a task instance so that it runs again (with --downstream: and everything after it)')
    .argument('<dag_id>')
    .argument('<run_id>')
    .argument('<task_id>')
    .option('-d, --downstream', 'also clear every task downstream of it')
    .option(...WORKSPACE_OPTION)
    .action(async (dagId: string, runId: string, taskId: string, options: { downstream?: boolean; workspace: string }) =>
      send(options.workspace, { kind: 'clear', dagId, runId, taskId, downstream: options.downstream === true }),
    );

  program
    .command('mark')
    .description('mark a task instance success or failed')
    .argument('<dag_id>')
    .argument('<run_id>')
    .argument('<task_id>')
    .argument('<state>', 'success or failed')
    .option(...WORKSPACE_OPTION)
    .action(async (dagId: string, runId: string, taskId: string, state: string, options: { workspace: string }) => {
      if (state !== 'success' && state !== 'failed') throw new Error(`Cannot mark a task "${state}": use success or failed.`);
      await send(options.workspace, { kind: 'mark', dagId, runId, taskId, state });
    });

  program
    .command('cancel')
    .description('cancel a run: running tasks are killed, the run ends failed')
    .argument('<dag_id>')
    .argument('<run_id>')
    .option(...WORKSPACE_OPTION)
    .action(async (dagId: string, runId: string, options: { workspace: string }) =>
      send(options.workspace, { kind: 'cancel', dagId, runId }),
    );

  program
    .command('pool')
    .description('create or resize a pool: dagstream pool <name> --slots N')
    .argument('<name>')
    .requiredOption('--slots <n>', 'number of slots', (v) => Number.parseInt(v, 10))
    .option('--description <text>')
    .option(...WORKSPACE_OPTION)
    .action(async (name: string, options: { slots: number; description?: string; workspace: string }) =>
      send(options.workspace, {
        kind: 'poolSet',
        name,
        slots: options.slots,
        ...(options.description ? { description: options.description } : {}),
      }),
    );
}
