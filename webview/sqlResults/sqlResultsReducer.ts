import type { SqlCellDto, SqlResultsNotification, SqlRunErrorDto } from '../../src/protocol/sqlResultsProtocol';

export interface SqlResultsState {
  run:
    | {
        runId: number;
        database: string;
        sql: string;
        source: string;
        revealable: boolean;
      }
    | undefined;
  phase: 'idle' | 'running' | 'receiving' | 'done' | 'failed';
  columns: string[];
  /** Rows received so far, in the query's order. */
  rows: SqlCellDto[][];
  totalRows: number;
  rowsToSend: number;
  durationMs: number;
  changes: number;
  statements: number;
  error: SqlRunErrorDto | undefined;
  report: { severity: 'info' | 'error'; text: string } | undefined;
}

export const INITIAL_SQL_RESULTS_STATE: SqlResultsState = {
  run: undefined,
  phase: 'idle',
  columns: [],
  rows: [],
  totalRows: 0,
  rowsToSend: 0,
  durationMs: 0,
  changes: 0,
  statements: 0,
  error: undefined,
  report: undefined,
};

/** The webview's picture of the current run, built only from what the host sends. */
export function sqlResultsReducer(state: SqlResultsState, message: SqlResultsNotification): SqlResultsState {
  switch (message.type) {
    case 'sqlResults/didStartRun': {
      const { runId, database, sql, source, revealable } = message;
      return { ...INITIAL_SQL_RESULTS_STATE, run: { runId, database, sql, source, revealable }, phase: 'running' };
    }
    case 'sqlResults/didReceiveRows': {
      if (state.run?.runId !== message.runId) return state;
      // A page that starts at 0 begins the rows again (the host streams anew after a reload).
      const before = message.offset === 0 ? [] : state.rows.slice(0, message.offset);
      return {
        ...state,
        phase: message.done ? 'done' : 'receiving',
        columns: message.columns,
        rows: before.concat(message.rows),
        totalRows: message.totalRows,
        rowsToSend: message.rowsToSend,
        durationMs: message.durationMs,
        changes: message.changes,
        statements: message.statements,
      };
    }
    case 'sqlResults/didFailRun':
      if (state.run?.runId !== message.runId) return state;
      return { ...state, phase: 'failed', error: message.error, durationMs: message.durationMs };
    case 'sqlResults/didReport':
      return { ...state, report: { severity: message.severity, text: message.text } };
  }
}
