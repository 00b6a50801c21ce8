import { describe, expect, it } from 'vitest';
import { isDashboardCommand, isDashboardNotification, panelQueryKey } from './dashboardProtocol';

describe('dashboard protocol guards', () => {
  it('accepts the commands the webview sends', () => {
    expect(isDashboardCommand({ type: 'dashboard/ready' })).toBe(true);
    expect(
      isDashboardCommand({
        type: 'dashboard/edit',
        requestId: 1,
        edit: { kind: 'setChart', panelIndex: 0, chart: { type: 'bar', y: ['a', 'b'], series: null } },
      }),
    ).toBe(true);
    expect(
      isDashboardCommand({ type: 'dashboard/edit', requestId: 2, edit: { kind: 'setPanel', panelIndex: 1, panel: { sql: 'SELECT 1' } } }),
    ).toBe(true);
    expect(isDashboardCommand({ type: 'dashboard/addPanel', requestId: 3, title: '', database: 'a.db', sql: 'SELECT 1' })).toBe(true);
  });

  it('rejects malformed messages rather than trusting postMessage', () => {
    expect(
      isDashboardCommand({ type: 'dashboard/edit', requestId: 1, edit: { kind: 'setChart', panelIndex: 0, chart: { type: 'pie' } } }),
    ).toBe(false);
    expect(isDashboardCommand({ type: 'dashboard/edit', requestId: 1, edit: { kind: 'setChart', panelIndex: 0, chart: { y: [] } } })).toBe(
      false,
    );
    expect(isDashboardCommand({ type: 'dashboard/edit', requestId: 1, edit: { kind: 'setPanel', panelIndex: 0, panel: { sql: 3 } } })).toBe(
      false,
    );
    expect(isDashboardCommand({ type: 'dashboard/edit', requestId: 1.5, edit: { kind: 'removePanel', panelIndex: 0 } })).toBe(false);
    expect(isDashboardCommand({ type: 'dashboard/addPanel', requestId: 1, title: 't' })).toBe(false);
    expect(isDashboardCommand({ type: 'canvas/ready' })).toBe(false);
    expect(isDashboardCommand(null)).toBe(false);
    expect(isDashboardNotification({ type: 'dashboard/didRunPanels', results: {}, ranAt: '2026-11-25T15:00:00Z' })).toBe(true);
    expect(isDashboardNotification({ type: 'dashboard/didRunPanels', results: null, ranAt: 'x' })).toBe(false);
  });

  it('keys a query by its database and SQL', () => {
    expect(panelQueryKey('a.db', 'SELECT 1')).not.toBe(panelQueryKey('a.dbS', 'ELECT 1'));
  });
});
