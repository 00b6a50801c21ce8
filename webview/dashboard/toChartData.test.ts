import { describe, expect, it } from 'vitest';
import { toChartData } from './toChartData';

const columns = ['day', 'city', 'temp', 'wind'];
const rows = [
  ['2026-07-01', 'Lyon', 31.5, 10],
  ['2026-07-01', 'Oslo', 19, 'calm'],
  ['2026-07-02', 'Lyon', 34, 12],
];

describe('toChartData', () => {
  it('splits rows into one series per value of the series column, on a category axis', () => {
    const result = toChartData(columns, rows, { type: 'line', x: 'day', y: 'temp', series: 'city' });
    expect(result).toEqual({
      ok: true,
      data: {
        xAxis: 'category',
        labels: ['2026-07-01', '2026-07-02'],
        series: [
          { label: 'Lyon', values: [31.5, 34], points: [] },
          { label: 'Oslo', values: [19, null], points: [] },
        ],
        notes: [],
      },
    });
  });

  it('draws numeric x as points in x order, and counts values that are not numbers', () => {
    const result = toChartData(
      ['t', 'v'],
      [
        [3, 1],
        [1, '2'],
        [2, 'n/a'],
      ],
      { type: 'line', x: 't', y: 'v' },
    );
    expect(result.ok && result.data.xAxis).toBe('linear');
    expect(result.ok && result.data.series[0]?.points).toEqual([
      { x: 1, y: 2 },
      { x: 3, y: 1 },
    ]);
    expect(result.ok && result.data.notes).toEqual(['1 value of "v" is not a number and not drawn.']);
  });

  it('names series by group and column when there are several y columns', () => {
    const result = toChartData(columns, rows, { type: 'bar', x: 'day', y: ['temp', 'wind'], series: 'city' });
    expect(result.ok && result.data.series.map((s) => s.label)).toEqual(['Lyon · temp', 'Oslo · temp', 'Lyon · wind', 'Oslo · wind']);
  });

  it('says which columns are missing and which exist', () => {
    expect(toChartData(columns, rows, { type: 'bar', x: 'hour', y: 'temp' })).toEqual({
      ok: false,
      error: 'The query has no column "hour"; its columns are "day", "city", "temp", "wind". Pick others above or change the query.',
    });
  });

  it('notes rows that collide on the same x', () => {
    const result = toChartData(columns, rows, { type: 'bar', x: 'day', y: 'temp' });
    expect(result.ok && result.data.notes[0]).toContain('1 row shares an x value');
  });
});
