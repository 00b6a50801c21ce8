import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { killOrphanedProcessGroup } from '../../core/executor/processTree';
import { startTask } from '../../core/operators/operatorRegistry';
import { compileDag, type CompiledDag } from '../../core/scheduler/compileDag';
import { DagScheduler } from '../../core/scheduler/DagScheduler';
import { followLogFile } from '../../core/scheduler/followLogFile';
import { tryLogPath } from '../../core/scheduler/logPaths';
import type { TaskState } from '../../core/scheduler/taskStates';
import { openMetadataStore } from '../../core/store/openMetadataStore';

export interface TestTaskOutcome {
  runId: string;
  state: TaskState;
  error?: string;
  /** Absolute path of the try's log. */
  logFile: string;
}

/**
 * Runs one task of a DAG on its own, now, like `airflow tasks test`: upstream tasks are not run
 * (its `xcom_pull`s find nothing), nothing is recorded in the workspace's metadata (a throwaway
 * store), and the workspace's scheduler is not involved, so it works while another process holds
 * the lock. The try's log goes where logs go, under `.dagstream/logs/<dag>/<test run>/`.
 */
export async function testTaskAlone(
  workspaceDir: string,
  dag: CompiledDag,
  taskId: string,
  params: Record<string, unknown>,
  onLog: (runId: string, logFile: string, text: string) => void,
): Promise<TestTaskOutcome> {
  const spec = dag.file.tasks.find((t) => t.task_id === taskId);
  if (!spec) throw new Error(`DAG "${dag.dagId}" has no task "${taskId}".`);
  const alone = compileDag({ ...dag.file, schedule: null, tasks: [{ ...spec, upstream: [] }] });
  const storeDir = await mkdtemp(path.join(tmpdir(), 'dagstream-task-test-'));
  const store = await openMetadataStore({ workspaceDir: storeDir });
  const scheduler = new DagScheduler({
    store,
    workspaceDir,
    startTask,
    reaper: {
      reap: async (pid, token) => {
        await killOrphanedProcessGroup(pid, token, 5_000);
      },
    },
    ignorePause: true,
    resumeRuns: false,
  });
  try {
    scheduler.addDag(alone, `${dag.dagId} (task test)`);
    await scheduler.start();
    const run = scheduler.triggerRun(dag.dagId, params);
    const logFile = path.join(workspaceDir, tryLogPath(dag.dagId, run.runId, taskId, 1));
    const stop = followLogFile(logFile, (text) => onLog(run.runId, logFile, text));
    await scheduler.waitForRun(dag.dagId, run.runId);
    stop();
    const ti = store.getTaskInstance(dag.dagId, run.runId, taskId);
    return { runId: run.runId, state: ti?.state ?? 'none', ...(ti?.error ? { error: ti.error } : {}), logFile };
  } finally {
    await scheduler.stop(0);
    await store.close();
    await rm(storeDir, { recursive: true, force: true });
  }
}
