import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDashboardText } from './parseDashboardText';

const panel = {
  title: 'Temperature',
  database: 'data/weather.sqlite',
  sql: 'SELECT ts, temp FROM readings',
  chart: { type: 'line', x: 'ts', y: 'temp' },
};

function text(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

describe('parseDashboardText', () => {
  it('reads a valid dashboard with its panels and refresh interval', () => {
    const parsed = parseDashboardText(text({ version: 1, title: 'Weather', refresh_interval: '5m', panels: [panel] }));
    expect(parsed.problems).toEqual([]);
    expect(parsed.title).toBe('Weather');
    expect(parsed.refreshIntervalMs).toBe(300_000);
    expect(parsed.panels).toHaveLength(1);
    expect(parsed.panels[0]?.panel).toEqual(panel);
  });

  it('takes seconds as a number and null as no refresh', () => {
    expect(parseDashboardText(text({ version: 1, title: 'W', refresh_interval: 30, panels: [] })).refreshIntervalMs).toBe(30_000);
    const none = parseDashboardText(text({ version: 1, title: 'W', refresh_interval: null, panels: [] }));
    expect(none.refreshIntervalMs).toBeUndefined();
    expect(none.problems).toEqual([]);
  });

  it('reports a bad refresh interval once, at its value, with line and column', () => {
    const source = text({ version: 1, title: 'W', refresh_interval: '5 minutes', panels: [] });
    const parsed = parseDashboardText(source);
    expect(parsed.problems).toHaveLength(1);
    const [problem] = parsed.problems;
    expect(problem?.code).toBe('invalid-refresh-interval');
    expect(problem?.message).toContain('"5 minutes"');
    expect(problem?.message).toContain('"30s", "5m"');
    expect(problem?.range.start).toEqual({ line: 3, character: 22 });
    expect(source.slice(problem!.range.offset, problem!.range.offset + problem!.range.length)).toBe('"5 minutes"');
  });

  it('refuses a refresh interval under a second', () => {
    const parsed = parseDashboardText(text({ version: 1, title: 'W', refresh_interval: '200ms', panels: [] }));
    expect(parsed.problems.map((p) => p.code)).toEqual(['invalid-refresh-interval']);
    expect(parsed.problems[0]?.message).toContain('at least 1 second');
  });

  it('names the panel by its title and keeps the other panels usable', () => {
    const broken = { ...panel, title: 'Wind', chart: { type: 'pie', x: 'ts', y: 'wind' } };
    const parsed = parseDashboardText(text({ version: 1, title: 'W', panels: [panel, broken] }));
    expect(parsed.panels.map((p) => p.panel !== undefined)).toEqual([true, false]);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ code: 'schema-enum', panelIndex: 1, path: ['panels', 1, 'chart', 'type'] });
    expect(parsed.problems[0]?.message).toBe('Panel "Wind": chart "type" must be one of line, bar, scatter (got "pie").');
  });

  it('reports missing keys of a panel at its opening brace', () => {
    const source = text({ version: 1, title: 'W', panels: [{ title: 'Rain', database: 'w.db', chart: { type: 'bar', x: 'city' } }] });
    const parsed = parseDashboardText(source);
    const messages = parsed.problems.map((p) => p.message);
    expect(messages).toContain('Panel "Rain": missing required "sql".');
    expect(messages).toContain('Panel "Rain": "chart" is missing required "y".');
    const sqlProblem = parsed.problems.find((p) => p.message.includes('"sql"'));
    expect(source[sqlProblem!.range.offset]).toBe('{');
    expect(sqlProblem?.range.start.line).toBe(4);
    expect(parsed.panels[0]?.panel).toBeUndefined();
    expect(parsed.panels[0]?.title).toBe('Rain');
  });

  it('accepts several y columns and a series column, and rejects an empty y list', () => {
    const many = { ...panel, chart: { type: 'bar', x: 'day', y: ['min', 'max'], series: 'city' } };
    expect(parseDashboardText(text({ version: 1, title: 'W', panels: [many] })).panels[0]?.panel?.chart).toEqual(many.chart);
    const empty = { ...panel, chart: { type: 'bar', x: 'day', y: [] } };
    const parsed = parseDashboardText(text({ version: 1, title: 'W', panels: [empty] }));
    expect(parsed.problems.map((p) => p.message)).toEqual([
      'Panel "Temperature": "y" must be a column name or a non-empty list of column names.',
    ]);
  });

  it('reports unknown keys, a missing title and an unsupported version', () => {
    const parsed = parseDashboardText(text({ version: 2, panels: [{ ...panel, colour: 'red' }] }));
    const codes = parsed.problems.map((p) => p.code);
    expect(codes).toContain('unsupported-version');
    expect(codes).toContain('missing-title');
    expect(parsed.problems.find((p) => p.code === 'schema-additionalProperties')?.message).toContain('"colour"');
  });

  it('reports broken JSON with its position and never throws', () => {
    const parsed = parseDashboardText('{\n  "version": 1,\n  "title": "W"\n  "panels": []\n}\n');
    expect(parsed.problems[0]).toMatchObject({ code: 'invalid-json', message: 'Invalid JSON: comma expected.' });
    expect(parsed.problems[0]?.range.start).toEqual({ line: 3, character: 2 });
    expect(parseDashboardText('[]').problems[0]?.code).toBe('not-an-object');
    expect(parseDashboardText('').panels).toEqual([]);
  });
});

describe('the example dashboards', () => {
  it('parse without problems', () => {
    const examples = new URL('../../../examples/', import.meta.url);
    const files = readdirSync(examples).filter((name) => name.endsWith('.dashboard.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const parsed = parseDashboardText(readFileSync(new URL(file, examples), 'utf8'));
      expect(parsed.problems, file).toEqual([]);
      expect(
        parsed.panels.every((p) => p.panel !== undefined),
        file,
      ).toBe(true);
    }
  });
});
