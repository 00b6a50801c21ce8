import { describe, expect, it } from 'vitest';
import { isSqlResultsCommand, isSqlResultsNotification } from './sqlResultsProtocol';

describe('sqlResults protocol guards', () => {
  it('accepts the commands the webview sends and nothing else', () => {
    expect(isSqlResultsCommand({ type: 'sqlResults/ready' })).toBe(true);
    expect(isSqlResultsCommand({ type: 'sqlResults/export', format: 'json' })).toBe(true);
    expect(isSqlResultsCommand({ type: 'sqlResults/export', format: 'xlsx' })).toBe(false);
    expect(isSqlResultsCommand({ type: 'sqlResults/copy', text: 'a' })).toBe(false);
    expect(isSqlResultsCommand({ type: 'sqlResults/revealError', runId: '1' })).toBe(false);
    expect(isSqlResultsCommand({ type: 'canvas/ready' })).toBe(false);
    expect(isSqlResultsCommand(null)).toBe(false);
  });

  it('accepts the notifications the host sends and nothing else', () => {
    expect(isSqlResultsNotification({ type: 'sqlResults/didStartRun', runId: 1, database: 'w.db', sql: 'SELECT 1' })).toBe(true);
    expect(isSqlResultsNotification({ type: 'sqlResults/didReceiveRows', runId: 1, columns: [], rows: [], offset: 0 })).toBe(true);
    expect(isSqlResultsNotification({ type: 'sqlResults/didReceiveRows', runId: 1, columns: [], rows: 'x', offset: 0 })).toBe(false);
    expect(isSqlResultsNotification({ type: 'sqlResults/didReport', severity: 'warning', text: 'x' })).toBe(false);
  });
});
