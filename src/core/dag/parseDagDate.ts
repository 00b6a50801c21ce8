/**
 * `start_date` and `end_date` are a date (`"2026-11-01"`) or a date-time (`"2026-11-01T06:00"`,
 * `"2026-11-01T06:00:00Z"`, `"2026-11-01T06:00:00+01:00"`, a space instead of `T` too). A date or
 * a date-time without an offset is UTC, as Airflow reads naive dates with its default timezone.
 * The schema's DAG_DATE_PATTERN is the same grammar (a test keeps them in step); this function
 * also rejects dates that are not on the calendar, such as `"2026-02-30"`.
 */
export const DAG_DATE_PATTERN = String.raw`^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$`;

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The instant a DAG date stands for, or undefined when `value` is not one. */
export function parseDagDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATE.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMins = Number(digits.slice(2));
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Says what is wrong with a DAG date and how to write one, or undefined when it is valid. */
export function describeInvalidDagDate(key: string, value: unknown): string | undefined {
  if (parseDagDate(value) !== undefined) return undefined;
  const how = `write a date such as "2026-11-01" or a date-time such as "2026-11-01T06:00:00Z" (without an offset it is UTC)`;
  if (typeof value !== 'string') return `"${key}" must be a string: ${how}.`;
  if (DATE.test(value)) return `"${key}" ${JSON.stringify(value)} is not on the calendar (check the month, day, hour and minute); ${how}.`;
  return `"${key}" ${JSON.stringify(value)} is not a date; ${how}.`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
