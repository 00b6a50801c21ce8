import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { killOrphanedProcessGroup } from '../executor/processTree';
import { startTask } from '../operators/operatorRegistry';
import { DagScheduler, type DagSchedulerOptions } from '../scheduler/DagScheduler';
import type { MetadataStore } from '../store/MetadataStore';
import { openMetadataStore } from '../store/openMetadataStore';
import { acquireSchedulerLock, type SchedulerLock } from '../store/schedulerLock';
import { discoverDagFiles } from './discoverDagFiles';
import { loadDagFile, type LoadedDagFile } from './loadDagFile';

export interface EngineOptions {
  workspaceDir: string;
  /** DAG files to load; every `*.dag.json` under the workspace by default. */
  files?: string[];
  /**
   * `exclusive`: take the workspace's scheduler lock (throws SchedulerLockHeldError if another
   * process holds it) and write `.dagstream/metadata.sqlite`.
   * `ephemeral`: metadata in a throwaway folder; used by `dagstream test` while a scheduler runs.
   */
  mode: 'exclusive' | 'ephemeral';
  ignorePause?: boolean;
  resumeRuns?: boolean;
  parallelism?: number;
  now?: DagSchedulerOptions['now'];
}

/** A scheduler wired to the real store, operators and process reaper. */
export interface Engine {
  scheduler: DagScheduler;
  store: MetadataStore;
  workspaceDir: string;
  loaded: LoadedDagFile[];
  close(): Promise<void>;
}

const TASK_KILL_GRACE_MS = 5_000;

export async function openEngine(options: EngineOptions): Promise<Engine> {
  const workspaceDir = path.resolve(options.workspaceDir);
  let lock: SchedulerLock | undefined;
  let storeDir = workspaceDir;
  if (options.mode === 'exclusive') lock = acquireSchedulerLock(workspaceDir);
  else storeDir = await mkdtemp(path.join(tmpdir(), 'dagstream-ephemeral-'));
  let store: MetadataStore;
  try {
    store = await openMetadataStore({ workspaceDir: storeDir });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const scheduler = new DagScheduler({
    store,
    workspaceDir,
    startTask,
    reaper: {
      reap: async (pid, token) => {
        await killOrphanedProcessGroup(pid, token, TASK_KILL_GRACE_MS);
      },
    },
    ...(options.ignorePause === undefined ? {} : { ignorePause: options.ignorePause }),
    ...(options.parallelism === undefined ? {} : { parallelism: options.parallelism }),
    ...(options.resumeRuns === undefined ? {} : { resumeRuns: options.resumeRuns }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const files = options.files?.map((f) => path.resolve(f)) ?? (await discoverDagFiles(workspaceDir));
  const loaded = await Promise.all(files.map((file) => loadDagFile(file, workspaceDir)));
  const seen = new Map<string, string>();
  for (const dagFile of loaded) {
    const compiled = dagFile.compiled;
    if (!compiled) continue;
    const other = seen.get(compiled.dagId);
    if (other) {
      dagFile.problems.push(
        `${dagFile.file}:1:1: error: dag_id "${compiled.dagId}" is also defined in ${other}; dag ids must be unique in a workspace.`,
      );
      dagFile.compiled = undefined;
      continue;
    }
    seen.set(compiled.dagId, dagFile.file);
    scheduler.addDag(compiled, dagFile.fileLoc);
  }
  let closed = false;
  return {
    scheduler,
    store,
    workspaceDir,
    loaded,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await store.close();
      } finally {
        lock?.release();
      }
    },
  };
}
