import { useEffect, useState } from 'react';
import { isRunViewsNotification, type DidChangeRunViewsNotification } from '../../src/protocol/runViewsProtocol';
import { RunGantt } from './RunGantt';
import { RunGrid } from './RunGrid';
import { postCommand } from './vscodeApi';

/** Airflow's Grid view of a DAG's recent runs over the Gantt chart of the selected run. */
export function RunViewsApp() {
  const [data, setData] = useState<DidChangeRunViewsNotification>();
  useEffect(() => {
    const onMessage = (event: MessageEvent<unknown>): void => {
      if (isRunViewsNotification(event.data)) setData(event.data);
    };
    window.addEventListener('message', onMessage);
    postCommand({ type: 'runViews/ready' });
    return () => window.removeEventListener('message', onMessage);
  }, []);
  if (!data) return <div className="rv-empty">Loading runs…</div>;
  if (data.runs.length === 0)
    return (
      <div className="rv-empty" data-testid="run-views" data-dag-id={data.dagId}>
        DAG “{data.dagId}” has no runs yet. Trigger one from the canvas toolbar or with “Dagstream: Trigger Run…”.
      </div>
    );
  const selected = data.runs.find((r) => r.run.runId === data.selectedRunId);
  return (
    <div className="rv-root" data-testid="run-views" data-dag-id={data.dagId} data-selected-run={data.selectedRunId ?? ''}>
      <h2 className="rv-heading">Grid · {data.dagId}</h2>
      <RunGrid data={data} onSelect={(runId) => postCommand({ type: 'runViews/selectRun', runId })} />
      <h2 className="rv-heading">Gantt · {selected ? selected.run.runId : 'no run selected'}</h2>
      <RunGantt data={data} />
    </div>
  );
}
