import { useEffect, useReducer } from 'react';
import { isSqlResultsNotification } from '../../src/protocol/sqlResultsProtocol';
import { ResultsError } from './ResultsError';
import { ResultsGrid } from './ResultsGrid';
import { ResultsStatus } from './ResultsStatus';
import { INITIAL_SQL_RESULTS_STATE, sqlResultsReducer } from './sqlResultsReducer';
import { postCommand } from './vscodeApi';

/** The results of one run of SQL: what ran, its status, and its rows in a virtualised grid or its error. */
export function SqlResultsApp() {
  const [state, dispatch] = useReducer(sqlResultsReducer, INITIAL_SQL_RESULTS_STATE);

  useEffect(() => {
    const onMessage = (event: MessageEvent<unknown>): void => {
      if (isSqlResultsNotification(event.data)) dispatch(event.data);
    };
    window.addEventListener('message', onMessage);
    postCommand({ type: 'sqlResults/ready' });
    return () => window.removeEventListener('message', onMessage);
  }, []);

  if (!state.run)
    return (
      <main className="results-empty" data-testid="results-empty">
        Run a statement from a .sql file (the “Run on …” lens above it) to see its rows here.
      </main>
    );
  return (
    <main className="results" data-testid="sql-results" data-phase={state.phase}>
      <ResultsStatus state={state} />
      {state.phase === 'failed' && state.error ? (
        <ResultsError runId={state.run.runId} error={state.error} sql={state.run.sql} revealable={state.run.revealable} />
      ) : state.columns.length > 0 ? (
        <ResultsGrid runId={state.run.runId} columns={state.columns} rows={state.rows} complete={state.phase === 'done'} />
      ) : state.phase === 'done' ? (
        <p className="results-note" data-testid="results-no-rows">
          {state.statements > 1 ? `${state.statements} statements ran` : 'The statement ran'}; it returns no rows.
        </p>
      ) : null}
    </main>
  );
}
