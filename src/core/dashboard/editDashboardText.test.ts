import { describe, expect, it } from 'vitest';
import { applyReplacements, editDashboardText, type DashboardEdit } from './editDashboardText';
import { parseDashboardText } from './parseDashboardText';

const LAYOUT = { insertSpaces: true, tabSize: 2, eol: '\n' };
const TEXT = `{
  "version": 1,
  "title": "Weather",
  "panels": [
    {
      "title": "Temperature",
      "database": "weather.sqlite",
      "sql": "SELECT day, city, temp FROM readings",
      "chart": { "type": "line", "x": "day", "y": "temp", "series": "city" }
    }
  ]
}
`;

function edited(text: string, edit: DashboardEdit): string {
  const result = editDashboardText(text, edit, LAYOUT);
  if (!result.ok) throw new Error(result.reason);
  return applyReplacements(text, result.replacements);
}

describe('editDashboardText', () => {
  it('changes the chart type in place, as one small replacement', () => {
    const result = editDashboardText(TEXT, { kind: 'setChart', panelIndex: 0, chart: { type: 'bar' } }, LAYOUT);
    expect(result).toEqual({ ok: true, replacements: [{ offset: TEXT.indexOf('line'), length: 4, newText: 'bar' }] });
  });

  it('sets several y columns and removes the series', () => {
    const text = edited(TEXT, { kind: 'setChart', panelIndex: 0, chart: { y: ['temp', 'wind'], series: null } });
    expect(parseDashboardText(text).panels[0]?.panel?.chart).toEqual({ type: 'line', x: 'day', y: ['temp', 'wind'] });
    expect(text).not.toContain('series');
  });

  it('adds a panel at the end, laid out like the rest, and removes one', () => {
    const panel = {
      title: 'Rain',
      database: 'weather.sqlite',
      sql: 'SELECT city, sum(mm) AS mm FROM rain GROUP BY city',
      chart: { type: 'bar' as const, x: 'city', y: 'mm' },
    };
    const text = edited(TEXT, { kind: 'addPanel', panel });
    const parsed = parseDashboardText(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.panels.map((p) => p.title)).toEqual(['Temperature', 'Rain']);
    expect(text).toContain('\n    {\n      "title": "Rain",\n');
    const removed = edited(text, { kind: 'removePanel', panelIndex: 0 });
    expect(parseDashboardText(removed).panels.map((p) => p.title)).toEqual(['Rain']);
  });

  it('adds the first panel to an empty list and sets the refresh interval', () => {
    const empty = '{\n  "version": 1,\n  "title": "W",\n  "panels": []\n}\n';
    const panel = { title: 'A', database: 'a.db', sql: 'SELECT 1 AS x, 2 AS y', chart: { type: 'scatter' as const, x: 'x', y: 'y' } };
    const text = edited(edited(empty, { kind: 'addPanel', panel }), { kind: 'setRefreshInterval', value: '30s' });
    const parsed = parseDashboardText(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.refreshIntervalMs).toBe(30_000);
    expect(parsed.panels[0]?.panel).toEqual(panel);
  });

  it("changes a panel's query and title, keeping its chart", () => {
    const text = edited(TEXT, {
      kind: 'setPanel',
      panelIndex: 0,
      panel: { title: 'Heat', sql: 'SELECT day, city, max(temp) AS temp FROM readings GROUP BY day, city' },
    });
    const panel = parseDashboardText(text).panels[0]?.panel;
    expect(panel).toMatchObject({
      title: 'Heat',
      sql: 'SELECT day, city, max(temp) AS temp FROM readings GROUP BY day, city',
      database: 'weather.sqlite',
    });
    expect(panel?.chart).toEqual({ type: 'line', x: 'day', y: 'temp', series: 'city' });
  });

  it('refuses an edit of a panel that is gone, and a text that is not an object', () => {
    expect(editDashboardText(TEXT, { kind: 'setChart', panelIndex: 3, chart: { type: 'bar' } }, LAYOUT)).toMatchObject({ ok: false });
    expect(editDashboardText('[]', { kind: 'removePanel', panelIndex: 0 }, LAYOUT)).toMatchObject({ ok: false });
  });
});
