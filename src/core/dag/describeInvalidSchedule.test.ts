import { describe, expect, it } from 'vitest';
import { describeInvalidSchedule, SCHEDULE_PRESETS } from './describeInvalidSchedule';

describe('describeInvalidSchedule', () => {
  it.each([null, undefined, '@once', '@hourly', '@daily', '@weekly', '@monthly', '@quarterly', '@yearly', '@annually', '@midnight'])(
    'accepts %j',
    (schedule) => {
      expect(describeInvalidSchedule(schedule)).toBeUndefined();
    },
  );

  it.each([
    '0 * * * *',
    '*/15 * * * *',
    '0 6 * * 1-5',
    '0 9 * * MON-FRI',
    '30 2 1,15 * *',
    '0 0 L * *',
    '0 0 * * 5#2',
    '5/10 * * * *',
    '0 0 29 2 *',
    ' 0 6 * * * ',
  ])('accepts the five-field cron expression %j', (schedule) => {
    expect(describeInvalidSchedule(schedule)).toBeUndefined();
  });

  it('expands every preset except @once to a valid cron expression', () => {
    for (const [preset, expression] of Object.entries(SCHEDULE_PRESETS)) {
      if (preset === '@once') expect(expression).toBeNull();
      else expect(describeInvalidSchedule(expression)).toBeUndefined();
    }
  });

  it.each([
    ['0 0 * * * *', /has 6 fields; Airflow's cron has 5 .*without seconds\. Remove the seconds field/],
    ['0 0 0 * * * 2026', /has 7 fields.*Remove the seconds and year fields/],
    ['0 * * *', /has 4 fields; it needs 5 \(minute hour day-of-month month day-of-week\)/],
    ['daily', /has 1 field; it needs 5/],
    ['61 * * * *', /Invalid cron expression "61 \* \* \* \*": Invalid value for minute: 61\. The fields are minute hour/],
    ['0 25 * * *', /Invalid value for hour/],
    ['0 0 31 2 *', /never matches a date/],
    ['0 0 31 4,6,9,11 *', /never matches a date/],
    ['@continuous', /"@continuous" .* not supported by Dagstream/],
    ['@Daily', /lower case: write "@daily"/],
    ['@fortnightly', /Unknown schedule preset "@fortnightly"; use one of @once, @hourly/],
    ['', /is empty/],
    [42, /must be a cron expression .* or null/],
  ])('rejects %j with a message that says what to do', (schedule, message) => {
    expect(describeInvalidSchedule(schedule)).toMatch(message);
  });

  it('does not call a day-of-month that the day-of-week field can satisfy impossible', () => {
    // croniter (and croner) combine a restricted day-of-month and day-of-week with OR.
    expect(describeInvalidSchedule('0 0 31 2 1')).toBeUndefined();
  });

  it('answers a repeated schedule from memory, with the same verdict', () => {
    const first = describeInvalidSchedule('0 0 31 2 *');
    expect(describeInvalidSchedule('0 0 31 2 *')).toBe(first);
  });
});
