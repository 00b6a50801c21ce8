import { describe, expect, it } from 'vitest';
import type { DidReceiveRowsNotification } from '../../src/protocol/sqlResultsProtocol';
import { INITIAL_SQL_RESULTS_STATE, sqlResultsReducer } from './sqlResultsReducer';

const start = { type: 'sqlResults/didStartRun', runId: 1, database: 'w.db', sql: 'SELECT 1', source: 'q.sql', revealable: true } as const;
const page = (offset: number, rows: number[][], done: boolean): DidReceiveRowsNotification => ({
  type: 'sqlResults/didReceiveRows',
  runId: 1,
  columns: ['a'],
  offset,
  rows,
  totalRows: 3,
  rowsToSend: 3,
  done,
  durationMs: 2,
  changes: 0,
  statements: 1,
});

describe('sqlResultsReducer', () => {
  it('appends pages, and starts again from a page at offset 0', () => {
    let state = sqlResultsReducer(INITIAL_SQL_RESULTS_STATE, start);
    expect(state.phase).toBe('running');
    state = sqlResultsReducer(state, page(0, [[1]], false));
    state = sqlResultsReducer(state, page(1, [[2], [3]], true));
    expect(state.rows).toEqual([[1], [2], [3]]);
    expect(state.phase).toBe('done');
    state = sqlResultsReducer(state, page(0, [[1]], false));
    expect(state.rows).toEqual([[1]]);
  });

  it("ignores another run's pages and keeps a failure's error", () => {
    let state = sqlResultsReducer(INITIAL_SQL_RESULTS_STATE, start);
    state = sqlResultsReducer(state, { ...page(0, [[9]], true), runId: 2 });
    expect(state.rows).toEqual([]);
    state = sqlResultsReducer(state, {
      type: 'sqlResults/didFailRun',
      runId: 1,
      durationMs: 1,
      error: { kind: 'sql', message: 'bad', position: { line: 2, column: 3, statementIndex: 0 } },
    });
    expect(state.phase).toBe('failed');
    expect(state.error?.position?.line).toBe(2);
  });
});
