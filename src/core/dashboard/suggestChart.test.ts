import { describe, expect, it } from 'vitest';
import { suggestChart } from './suggestChart';

describe('suggestChart', () => {
  it('draws numeric columns over a time column as lines', () => {
    expect(suggestChart(['day', 'city', 'temp', 'wind'], [['2026-07-01', 'Lyon', 31, 12]])).toEqual({
      type: 'line',
      x: 'day',
      y: ['temp', 'wind'],
    });
  });

  it('draws categories as bars', () => {
    expect(
      suggestChart(
        ['city', 'mm'],
        [
          ['Lyon', 3],
          ['Oslo', null],
        ],
      ),
    ).toEqual({ type: 'bar', x: 'city', y: 'mm' });
  });

  it('falls back to the second column when nothing is numeric', () => {
    expect(suggestChart(['a', 'b'], [['x', 'y']])).toEqual({ type: 'bar', x: 'a', y: 'b' });
    expect(suggestChart(['only'], [])).toEqual({ type: 'bar', x: 'only', y: 'only' });
  });
});
