import { describe, expect, it } from 'vitest';
import { describeConsumeStart, parseConsumeStart } from './parseConsumeStart';

describe('parseConsumeStart', () => {
  it('reads earliest, latest, offsets and date-times (UTC without an offset)', () => {
    expect(parseConsumeStart('earliest')).toEqual({ start: 'earliest' });
    expect(parseConsumeStart('beginning')).toEqual({ start: 'earliest' });
    expect(parseConsumeStart('LATEST')).toEqual({ start: 'latest' });
    expect(parseConsumeStart('1200')).toEqual({ start: { offset: 1200 } });
    expect(parseConsumeStart(7)).toEqual({ start: { offset: 7 } });
    expect(parseConsumeStart('2026-11-01T06:00:00Z')).toEqual({ start: { timestamp: Date.UTC(2026, 10, 1, 6) } });
    expect(parseConsumeStart('2026-11-01T06:00')).toEqual({ start: { timestamp: Date.UTC(2026, 10, 1, 6) } });
    expect(parseConsumeStart('2026-11-01T07:00:00+01:00')).toEqual({ start: { timestamp: Date.UTC(2026, 10, 1, 6) } });
  });

  it('explains what it accepts', () => {
    expect(parseConsumeStart('yesterday')).toEqual({
      error:
        '"yesterday" is not a start position: write earliest, latest, an offset such as 1200, or a date-time such as 2026-11-01T06:00:00Z',
    });
    expect(parseConsumeStart(-1)).toEqual({ error: '-1 is not an offset (a whole number, 0 or more)' });
    expect(parseConsumeStart('2026-02-30')).toHaveProperty('error');
  });

  it('describes starts for messages', () => {
    expect(describeConsumeStart({ offset: 5 })).toBe('offset 5');
    expect(describeConsumeStart({ timestamp: 0 })).toBe('1970-01-01T00:00:00.000Z');
  });
});
