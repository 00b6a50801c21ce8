import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { discoverDagFiles } from '../../core/engine/discoverDagFiles';
import { applyEngineRequest } from '../../core/engine/engineRequests';
import { loadDagFile } from '../../core/engine/loadDagFile';
import { openEngine } from '../../core/engine/openEngine';
import { serveEngineRequests } from '../../core/engine/requestInbox';
import { err, out, WORKSPACE_OPTION } from './cliOutput';

const POLL_MS = 250;
const RESCAN_MS = 2_000;

/**
 * `dagstream scheduler`: runs every DAG of the workspace until stopped. Creates scheduled runs as
 * they fall due, answers other commands' requests, reloads DAG files that change, and on
 * SIGINT/SIGTERM stops taking tasks, lets running ones finish for the grace period, then kills
 * and records them.
 */
export function registerSchedulerCommand(program: Command): void {
  program
    .command('scheduler')
    .description('run the scheduler for every DAG file under the workspace until stopped (Ctrl+C)')
    .option(...WORKSPACE_OPTION)
    .option('--parallelism <n>', 'tasks running at once across all DAGs', (v) => Number.parseInt(v, 10), 32)
    .option('--grace <seconds>', 'on stop, how long running tasks may finish before they are killed', (v) => Number.parseFloat(v), 10)
    .action(async (options: { workspace: string; parallelism: number; grace: number }) => {
      const workspaceDir = path.resolve(options.workspace);
      const engine = await openEngine({ workspaceDir, mode: 'exclusive', parallelism: options.parallelism });
      const { scheduler, store } = engine;
      for (const loaded of engine.loaded) for (const line of loaded.problems) err(line);
      const mtimes = new Map(engine.loaded.map((l) => [l.file, mtimeOf(l.file)]));

      scheduler.on('notice', (e) => out(`${stamp()}  notice  ${e.message}`));
      scheduler.on('runCreated', (e) => out(`${stamp()}  ${e.run.dagId}  ${e.run.runId}  run created (${e.run.runType})`));
      scheduler.on('runStateChanged', (e) => out(`${stamp()}  ${e.dagId}  ${e.runId}  run ${e.state}`));
      scheduler.on('taskStateChanged', (e) => {
        if (e.state === 'scheduled' || e.state === 'queued' || e.state === 'none') return;
        out(
          `${stamp()}  ${e.dagId}  ${e.runId}  ${e.taskId}  ${e.state} (try ${e.tryNumber})${e.ti.error && e.state !== 'running' ? `: ${e.ti.error}` : ''}`,
        );
      });

      await scheduler.start();
      const dags = scheduler.listDags();
      out(
        `${stamp()}  scheduler started in ${workspaceDir} with ${dags.length} DAG(s): ${dags.map((d) => `${d.dagId}${d.paused ? ' (paused)' : ''}`).join(', ') || 'none'}`,
      );

      let lastScan = Date.now();
      const timer = setInterval(() => {
        scheduler.createDueRuns();
        serveEngineRequests(workspaceDir, (request) => applyEngineRequest(scheduler, store, request));
        if (Date.now() - lastScan >= RESCAN_MS) {
          lastScan = Date.now();
          void rescan();
        }
      }, POLL_MS);
      scheduler.createDueRuns();

      const rescan = async (): Promise<void> => {
        for (const file of await discoverDagFiles(workspaceDir)) {
          const mtime = mtimeOf(file);
          if (mtimes.get(file) === mtime) continue;
          mtimes.set(file, mtime);
          const loaded = await loadDagFile(file, workspaceDir);
          if (!loaded.compiled) {
            for (const line of loaded.problems) err(line);
            continue;
          }
          scheduler.addDag(loaded.compiled, loaded.fileLoc);
          out(`${stamp()}  loaded ${loaded.fileLoc} (${loaded.compiled.dagId})`);
        }
      };

      await new Promise<void>((resolve) => {
        let stopping = false;
        const onSignal = (signal: NodeJS.Signals) => {
          if (stopping) return;
          stopping = true;
          clearInterval(timer);
          out(`${stamp()}  ${signal}: stopping; ${scheduler.runningCount} running task(s) get ${options.grace} s to finish`);
          void scheduler
            .stop(options.grace * 1000)
            .then(() => engine.close())
            .then(() => {
              out(`${stamp()}  scheduler stopped`);
              resolve();
            });
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
    });
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function stamp(): string {
  return new Date().toISOString();
}
