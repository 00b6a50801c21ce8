import type { MetadataStore } from '../core/store/MetadataStore';
import type { DagRunRecord } from '../core/store/metadataRecords';

/** One task of a run as `dagstream test --json` and `dagstream runs --json` print it. */
export interface TaskSummary {
  state: string;
  try_number: number;
  start: string | null;
  end: string | null;
  duration_ms: number | null;
  xcom: unknown;
}

export interface RunSummary {
  dag_id: string;
  run_id: string;
  state: string;
  run_type: string;
  logical_date: string;
  data_interval_start: string;
  data_interval_end: string;
  tasks: Record<string, TaskSummary>;
}

/** A run with its task instances and return values, in the CLI's JSON shape. */
export function describeRun(store: Pick<MetadataStore, 'listTaskInstances' | 'getXCom'>, run: DagRunRecord): RunSummary {
  const tasks: Record<string, TaskSummary> = {};
  // In the order they ran, so that the table reads like the run; tasks that never started last.
  const instances = store
    .listTaskInstances(run.dagId, run.runId)
    .sort((a, b) => (a.startDate ?? '\uffff').localeCompare(b.startDate ?? '\uffff') || a.taskId.localeCompare(b.taskId));
  for (const ti of instances) {
    tasks[ti.taskId] = {
      state: ti.state,
      try_number: ti.tryNumber,
      start: ti.startDate ?? null,
      end: ti.endDate ?? null,
      duration_ms: ti.durationMs ?? null,
      xcom: store.getXCom(run.dagId, run.runId, ti.taskId, 'return_value')?.value ?? null,
    };
  }
  return {
    dag_id: run.dagId,
    run_id: run.runId,
    state: run.state,
    run_type: run.runType,
    logical_date: run.logicalDate,
    data_interval_start: run.dataIntervalStart,
    data_interval_end: run.dataIntervalEnd,
    tasks,
  };
}

/** A human-readable table of a run's tasks: state, try, duration, return value. */
export function formatRunTable(summary: RunSummary): string {
  const rows = Object.entries(summary.tasks).map(([taskId, t]) => [
    taskId,
    t.state,
    String(t.try_number),
    t.duration_ms === null ? '-' : `${t.duration_ms} ms`,
    t.xcom === null ? '' : truncate(typeof t.xcom === 'string' ? t.xcom : JSON.stringify(t.xcom), 60),
  ]);
  const header = ['task', 'state', 'try', 'duration', 'xcom'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [`${summary.dag_id} ${summary.run_id}: ${summary.state}`, line(header), ...rows.map(line)].join('\n');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
