import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TaskRunContext, TemplateContext } from './taskExecution';

const created: string[] = [];

/**
 * A complete run context for tests of operators and templates: a fresh temporary workspace, a
 * log file inside it, and XComs served from a plain map. Not used by the engine itself.
 */
export function createTestRunContext(
  overrides: Partial<TaskRunContext> & { xcoms?: Record<string, unknown>; params?: Record<string, unknown>; taskId?: string } = {},
): TaskRunContext {
  let workspaceDir = overrides.workspaceDir;
  if (workspaceDir === undefined) {
    workspaceDir = mkdtempSync(path.join(tmpdir(), 'dagstream-test-'));
    created.push(workspaceDir);
  }
  const taskId = overrides.taskId ?? 'task';
  const xcoms = overrides.xcoms ?? {};
  const template: TemplateContext = {
    ds: '2026-11-25',
    ds_nodash: '20261125',
    ts: '2026-11-25T13:00:00+00:00',
    ts_nodash: '20261125T130000',
    logical_date: '2026-11-25T13:00:00+00:00',
    data_interval_start: '2026-11-25T13:00:00+00:00',
    data_interval_end: '2026-11-25T14:00:00+00:00',
    run_id: 'manual__2026-11-25T13:00:00+00:00',
    dag_run: {
      dag_id: 'weather',
      run_id: 'manual__2026-11-25T13:00:00+00:00',
      run_type: 'manual',
      logical_date: '2026-11-25T13:00:00+00:00',
      data_interval_start: '2026-11-25T13:00:00+00:00',
      data_interval_end: '2026-11-25T14:00:00+00:00',
      conf: overrides.params ?? { city: 'Lisbon' },
    },
    dag: { dag_id: 'weather' },
    task: { task_id: taskId, operator: 'bash' },
    params: overrides.params ?? { city: 'Lisbon' },
    ti: {
      task_id: taskId,
      try_number: 1,
      xcom_pull(taskIds: string | string[]): unknown {
        return Array.isArray(taskIds) ? taskIds.map((id) => xcoms[id]) : xcoms[taskIds];
      },
    },
  };
  const { xcoms: _xcoms, params: _params, taskId: _taskId, ...rest } = overrides;
  return {
    dagId: 'weather',
    runId: template.run_id,
    taskId,
    tryNumber: 1,
    maxTries: 1,
    workspaceDir,
    logFile: path.join(workspaceDir, '.dagstream', 'logs', 'weather', template.run_id, taskId, '1.log'),
    template,
    ...rest,
  };
}

/** Removes the workspaces createTestRunContext made; call it in `afterAll`. */
export function removeTestWorkspaces(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
