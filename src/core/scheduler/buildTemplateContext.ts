import type { TemplateContext } from '../executor/taskExecution';
import type { MetadataStore } from '../store/MetadataStore';
import type { DagRunRecord } from '../store/metadataRecords';
import { formatAirflowTimestamp } from './runIds';

/** The `{{ ... }}` values of one try, with Airflow's names and formats. */
export function buildTemplateContext(
  store: Pick<MetadataStore, 'getXCom'>,
  run: DagRunRecord,
  task: { taskId: string; operator: string },
  tryNumber: number,
): TemplateContext {
  const logical = new Date(run.logicalDate);
  const ts = formatAirflowTimestamp(logical);
  const ds = ts.slice(0, 10);
  const xcomValue = (taskId: string, key: string): unknown => store.getXCom(run.dagId, run.runId, taskId, key)?.value;
  return {
    ds,
    ds_nodash: ds.replace(/-/g, ''),
    ts,
    ts_nodash: ts.slice(0, 19).replace(/[-:]/g, ''),
    logical_date: ts,
    data_interval_start: formatAirflowTimestamp(new Date(run.dataIntervalStart)),
    data_interval_end: formatAirflowTimestamp(new Date(run.dataIntervalEnd)),
    run_id: run.runId,
    dag_run: {
      dag_id: run.dagId,
      run_id: run.runId,
      run_type: run.runType,
      logical_date: ts,
      data_interval_start: formatAirflowTimestamp(new Date(run.dataIntervalStart)),
      data_interval_end: formatAirflowTimestamp(new Date(run.dataIntervalEnd)),
      conf: run.params,
    },
    dag: { dag_id: run.dagId },
    task: { task_id: task.taskId, operator: task.operator },
    params: run.params,
    ti: {
      task_id: task.taskId,
      try_number: tryNumber,
      xcom_pull: (taskIds: string | string[], key = 'return_value'): unknown =>
        Array.isArray(taskIds) ? taskIds.map((id) => xcomValue(id, key)) : xcomValue(taskIds, key),
    },
  };
}
