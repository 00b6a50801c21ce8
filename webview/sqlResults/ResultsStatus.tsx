import { postCommand } from './vscodeApi';
import type { SqlResultsState } from './sqlResultsReducer';

const count = (n: number): string => n.toLocaleString('en');

function describe(state: SqlResultsState): string {
  const ms = `${state.durationMs < 10 ? state.durationMs.toFixed(1) : Math.round(state.durationMs)} ms`;
  switch (state.phase) {
    case 'running':
      return 'Running…';
    case 'receiving':
      return `${count(state.totalRows)} rows in ${ms} · receiving ${count(state.rows.length)} of ${count(state.rowsToSend)}…`;
    case 'failed':
      return `Failed after ${ms}`;
    case 'done': {
      const parts = [`${count(state.totalRows)} ${state.totalRows === 1 ? 'row' : 'rows'} in ${ms}`];
      if (state.rowsToSend < state.totalRows) parts.push(`showing the first ${count(state.rowsToSend)} (dagstream.sqlite.maxResultRows)`);
      if (state.changes > 0) parts.push(`${count(state.changes)} ${state.changes === 1 ? 'row' : 'rows'} changed`);
      if (state.statements > 1) parts.push(`${state.statements} statements; rows of the last`);
      return parts.join(' · ');
    }
    default:
      return '';
  }
}

/** What ran, on which database, how long it took and how many rows it gave; export buttons. */
export function ResultsStatus({ state }: { state: SqlResultsState }) {
  const run = state.run!;
  const canExport = state.phase === 'done' && state.columns.length > 0;
  return (
    <header className="results-header">
      <div className="results-title">
        <span className="results-database" title="Database">
          {run.database}
        </span>
        <span className="results-source">{run.source}</span>
        <code className="results-sql" title={run.sql}>
          {run.sql.replace(/\s+/g, ' ')}
        </code>
      </div>
      <div className="results-bar">
        <span className={`results-status results-status-${state.phase}`} data-testid="results-status" role="status">
          {describe(state)}
        </span>
        {state.report ? (
          <span className={`results-report results-report-${state.report.severity}`} role="status">
            {state.report.text}
          </span>
        ) : null}
        <span className="results-actions">
          {state.phase === 'running' ? (
            <button type="button" onClick={() => postCommand({ type: 'sqlResults/cancel', runId: run.runId })}>
              Cancel
            </button>
          ) : (
            <button type="button" onClick={() => postCommand({ type: 'sqlResults/rerun' })}>
              Run again
            </button>
          )}
          <button
            type="button"
            onClick={() => postCommand({ type: 'sqlResults/export', format: 'csv' })}
            disabled={!canExport}
            title="Export all rows, in the query's order, to a CSV file"
          >
            Export CSV
          </button>
          <button
            type="button"
            onClick={() => postCommand({ type: 'sqlResults/export', format: 'json' })}
            disabled={!canExport}
            title="Export all rows, in the query's order, to a JSON file"
          >
            Export JSON
          </button>
        </span>
      </div>
    </header>
  );
}
