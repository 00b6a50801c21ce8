import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { discoverDagFiles } from '../../core/engine/discoverDagFiles';
import { loadDagFile } from '../../core/engine/loadDagFile';
import { DagScheduler } from '../../core/scheduler/DagScheduler';
import { tryLogPath } from '../../core/scheduler/logPaths';
import type { MetadataStore } from '../../core/store/MetadataStore';
import { openMetadataStore } from '../../core/store/openMetadataStore';
import { readSchedulerLock } from '../../core/store/schedulerLock';
import { describeRun, formatRunTable } from '../describeRun';
import { out, WORKSPACE_OPTION } from './cliOutput';

/** Opens the workspace's metadata for reading, even while a scheduler holds the lock. */
async function openReadOnly(workspace: string): Promise<MetadataStore | undefined> {
  const workspaceDir = path.resolve(workspace);
  if (!existsSync(path.join(workspaceDir, '.dagstream'))) return undefined;
  return openMetadataStore({ workspaceDir, readOnly: true });
}

/** `runs`, `logs`, `explain`, `pool list`: commands that only read the records. */
export function registerRecordCommands(program: Command): void {
  program
    .command('runs')
    .description("list a DAG's runs, newest first")
    .argument('<dag_id>')
    .option('--json', 'print a JSON array of runs, each shaped like `dagstream test --json`')
    .option('-n, --limit <n>', 'at most this many runs', (v) => Number.parseInt(v, 10), 25)
    .option(...WORKSPACE_OPTION)
    .action(async (dagId: string, options: { json?: boolean; limit: number; workspace: string }) => {
      const store = await openReadOnly(options.workspace);
      const runs = store ? store.listRuns(dagId, { limit: options.limit }).map((run) => describeRun(store, run)) : [];
      await store?.close();
      if (options.json) out(JSON.stringify(runs));
      else if (runs.length === 0) out(`No runs of DAG "${dagId}" in ${path.resolve(options.workspace)}.`);
      else out(runs.map(formatRunTable).join('\n\n'));
    });

  program
    .command('logs')
    .description("print a task try's log")
    .argument('<dag_id>')
    .argument('<run_id>')
    .argument('<task_id>')
    .option('-t, --try <n>', 'try number (default: the latest)', (v) => Number.parseInt(v, 10))
    .option(...WORKSPACE_OPTION)
    .action(async (dagId: string, runId: string, taskId: string, options: { try?: number; workspace: string }) => {
      const workspaceDir = path.resolve(options.workspace);
      const store = await openReadOnly(workspaceDir);
      const tries = store?.listTries(dagId, runId, taskId) ?? [];
      await store?.close();
      const tryNumber = options.try ?? Math.max(0, ...tries.map((t) => t.tryNumber));
      if (tryNumber === 0)
        throw new Error(`No tries of ${dagId} / ${runId} / ${taskId} are recorded; check the ids with \`dagstream runs ${dagId}\`.`);
      const relative = tries.find((t) => t.tryNumber === tryNumber)?.logPath ?? tryLogPath(dagId, runId, taskId, tryNumber);
      const file = path.join(workspaceDir, relative);
      if (!existsSync(file))
        throw new Error(
          `No log for try ${tryNumber} at ${file}${tries.length > 0 ? `; recorded tries: ${tries.map((t) => t.tryNumber).join(', ')}` : ''}.`,
        );
      process.stdout.write(readFileSync(file, 'utf8'));
    });

  program
    .command('explain')
    .description('say why a task instance is not running: upstream, pool, limits, retry period')
    .argument('<dag_id>')
    .argument('<run_id>')
    .argument('<task_id>')
    .option(...WORKSPACE_OPTION)
    .action(async (dagId: string, runId: string, taskId: string, options: { workspace: string }) => {
      const workspaceDir = path.resolve(options.workspace);
      const store = await openReadOnly(workspaceDir);
      if (!store) throw new Error(`No Dagstream metadata in ${workspaceDir} yet; trigger or test a DAG first.`);
      try {
        const scheduler = new DagScheduler({
          store,
          workspaceDir,
          startTask: () => {
            throw new Error('read-only');
          },
        });
        for (const file of await discoverDagFiles(workspaceDir)) {
          const loaded = await loadDagFile(file, workspaceDir);
          if (loaded.compiled?.dagId === dagId) scheduler.addDag(loaded.compiled, loaded.fileLoc);
        }
        const schedulerRunning = readSchedulerLock(workspaceDir) !== undefined;
        for (const reason of scheduler.explain(dagId, runId, taskId, { schedulerRunning })) out(`- ${reason}`);
      } finally {
        await store.close();
      }
    });

  program
    .command('pools')
    .description('list pools with their slots')
    .option(...WORKSPACE_OPTION)
    .action(async (options: { workspace: string }) => {
      const store = await openReadOnly(options.workspace);
      const pools = store?.listPools() ?? [{ name: 'default_pool', slots: 128 }];
      await store?.close();
      for (const pool of pools) out(`${pool.name}\t${pool.slots} slot(s)${pool.description ? `\t${pool.description}` : ''}`);
    });
}
