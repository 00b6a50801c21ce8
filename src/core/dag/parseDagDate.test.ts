import { describe, expect, it } from 'vitest';
import { DAG_DATE_PATTERN, describeInvalidDagDate, parseDagDate } from './parseDagDate';

describe('parseDagDate', () => {
  it.each([
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T06:30', '2026-11-01T06:30:00.000Z'],
    ['2026-11-01 06:30:15', '2026-11-01T06:30:15.000Z'],
    ['2026-11-01T06:30:15.250Z', '2026-11-01T06:30:15.250Z'],
    ['2026-11-01T06:30:00+01:00', '2026-11-01T05:30:00.000Z'],
    ['2026-11-01T06:30:00-0230', '2026-11-01T09:00:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
  ])('reads %j as %s (UTC without an offset, as Airflow)', (text, iso) => {
    expect(parseDagDate(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2026-02-30',
    '2027-02-29',
    '2026-13-01',
    '2026-11-01T24:00',
    '2026-11-01T06:60',
    '2026-11-01T06:00+25:00',
    '01/11/2026',
    'yesterday',
    '',
    20261101,
    null,
  ])('rejects %j', (value) => {
    expect(parseDagDate(value)).toBeUndefined();
  });

  it('explains calendar mistakes apart from shapes that are not dates', () => {
    expect(describeInvalidDagDate('start_date', '2026-02-30')).toMatch(/"start_date" "2026-02-30" is not on the calendar/);
    expect(describeInvalidDagDate('start_date', 'yesterday')).toMatch(
      /"start_date" "yesterday" is not a date; write a date such as "2026-11-01"/,
    );
    expect(describeInvalidDagDate('end_date', 5)).toMatch(/"end_date" must be a string/);
    expect(describeInvalidDagDate('start_date', '2026-11-01')).toBeUndefined();
  });

  it('has a schema pattern that accepts the shapes parseDagDate reads', () => {
    const pattern = new RegExp(DAG_DATE_PATTERN, 'u');
    for (const text of ['2026-11-01', '2026-11-01T06:30', '2026-11-01 06:30:15', '2026-11-01T06:30:00+01:00'])
      expect(pattern.test(text)).toBe(true);
    for (const text of ['01/11/2026', '2026-11-01T6:30', 'yesterday']) expect(pattern.test(text)).toBe(false);
  });
});
