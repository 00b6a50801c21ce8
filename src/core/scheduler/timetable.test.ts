import { Cron } from 'croner';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createTimetable,
  InvalidScheduleError,
  type DagRunInfo,
  type DataInterval,
  type NextDagRunArgs,
  type Timetable,
} from './timetable';

const d = (iso: string): Date => new Date(iso.endsWith('Z') ? iso : `${iso}Z`);
const iso = (date: Date): string => date.toISOString().replace('.000Z', 'Z');
const interval = (start: string, end: string): DataInterval => ({ start: d(start), end: d(end) });
const show = (info: DagRunInfo | undefined): string | undefined =>
  info && `${iso(info.logicalDate)} [${iso(info.dataInterval.start)}, ${iso(info.dataInterval.end)}) after ${iso(info.runAfter)}`;
const showInterval = (i: DataInterval): string => `[${iso(i.start)}, ${iso(i.end)})`;

const args = (over: Partial<NextDagRunArgs>): NextDagRunArgs => ({
  lastAutomatedInterval: undefined,
  now: d('2024-01-10T00:00:00'),
  startDate: d('2024-01-01T00:00:00'),
  endDate: undefined,
  catchup: true,
  ...over,
});

/** The scheduler loop: create every due run, feeding each one back as the last automated run. */
function collectDueRuns(timetable: Timetable, base: Omit<NextDagRunArgs, 'lastAutomatedInterval'>, limit = 1000): string[] {
  const runs: string[] = [];
  let last: DataInterval | undefined;
  for (;;) {
    const info = timetable.nextDagRunInfo({ ...base, lastAutomatedInterval: last });
    if (info === undefined) return runs;
    runs.push(iso(info.logicalDate));
    last = info.dataInterval;
    if (runs.length > limit) throw new Error('runaway scheduler loop');
  }
}

describe('createTimetable', () => {
  it('summarises like Airflow: presets become their expression, null is "None"', () => {
    expect(createTimetable(null)).toMatchObject({ summary: 'None', periodic: false });
    expect(createTimetable('@once')).toMatchObject({ summary: '@once', periodic: false });
    expect(createTimetable('@hourly')).toMatchObject({ summary: '0 * * * *', periodic: true });
    expect(createTimetable('@daily').summary).toBe('0 0 * * *');
    expect(createTimetable('@weekly').summary).toBe('0 0 * * 0');
    expect(createTimetable('@monthly').summary).toBe('0 0 1 * *');
    expect(createTimetable('@quarterly').summary).toBe('0 0 1 */3 *');
    expect(createTimetable('@yearly').summary).toBe('0 0 1 1 *');
    // Not in Airflow's cron_presets, but croniter knows it: it keeps its name.
    expect(createTimetable('@annually').summary).toBe('@annually');
    expect(createTimetable('*/15 * * * *').summary).toBe('*/15 * * * *');
  });

  it.each([
    ['0 0 1 13 0', /month 13 is out of range 1-12/],
    ['61 * * * *', /minute 61 is out of range 0-59/],
    ['0 24 * * *', /hour 24 is out of range 0-23/],
    ['0 0 0 * *', /day-of-month 0 is out of range 1-31/],
    ['0 0 * * 8', /day-of-week 8 is out of range 0-7/],
    ['0 0 * *', /needs 5 fields, found 4/],
    ['0 0 * * * * *', /needs 5 fields, found 7/],
    ['every day', /needs 5 fields, found 2/],
    ['a * * * *', /illegal characters/],
    ['0 0 30 2 *', /never matches/],
    ['@fortnightly', /unknown preset/],
    ['@continuous', /does not support continuous/],
    ['', /needs 5 fields, found 0/],
  ])('rejects %j with a helpful message', (schedule, message) => {
    expect(() => createTimetable(schedule)).toThrow(InvalidScheduleError);
    expect(() => createTimetable(schedule)).toThrow(message);
    expect(() => createTimetable(schedule)).toThrow(/Use a cron expression with five fields/);
  });

  it('reads a six-field expression as croniter does, with the seconds last', () => {
    const timetable = createTimetable('0 0 * * * 30');
    expect(show(timetable.nextDagRunInfo(args({ startDate: d('2024-01-01T00:00:00'), now: d('2024-01-03T00:00:00') })))).toBe(
      '2024-01-01T00:00:30Z [2024-01-01T00:00:30Z, 2024-01-02T00:00:30Z) after 2024-01-02T00:00:30Z',
    );
  });
});

describe('cron timetable, catchup=true', () => {
  it('@hourly: the first interval starts at start_date and runs after it ends', () => {
    const timetable = createTimetable('@hourly');
    const base = { startDate: d('2024-01-01T10:00:00'), catchup: true };
    expect(timetable.nextDagRunInfo(args({ ...base, now: d('2024-01-01T10:59:59') }))).toBeUndefined();
    expect(show(timetable.nextDagRunInfo(args({ ...base, now: d('2024-01-01T11:00:00') })))).toBe(
      '2024-01-01T10:00:00Z [2024-01-01T10:00:00Z, 2024-01-01T11:00:00Z) after 2024-01-01T11:00:00Z',
    );
    // The upcoming run is known before it is due.
    expect(show(timetable.upcomingDagRunInfo(args({ ...base, now: d('2024-01-01T10:30:00') })))).toBe(
      '2024-01-01T10:00:00Z [2024-01-01T10:00:00Z, 2024-01-01T11:00:00Z) after 2024-01-01T11:00:00Z',
    );
  });

  it('aligns an unaligned start_date to the first tick at or after it', () => {
    const timetable = createTimetable('@daily');
    expect(show(timetable.upcomingDagRunInfo(args({ startDate: d('2024-01-01T05:00:00') })))).toBe(
      '2024-01-02T00:00:00Z [2024-01-02T00:00:00Z, 2024-01-03T00:00:00Z) after 2024-01-03T00:00:00Z',
    );
  });

  it('creates the missed @daily runs one by one (start three days ago)', () => {
    const runs = collectDueRuns(createTimetable('@daily'), {
      now: d('2024-01-04T10:30:00'),
      startDate: d('2024-01-01T00:00:00'),
      endDate: undefined,
      catchup: true,
    });
    expect(runs).toEqual(['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z']);
  });

  it('the next interval starts where the previous one ended', () => {
    const timetable = createTimetable('@daily');
    const last = interval('2024-01-05T00:00:00', '2024-01-06T00:00:00');
    expect(show(timetable.nextDagRunInfo(args({ lastAutomatedInterval: last })))).toBe(
      '2024-01-06T00:00:00Z [2024-01-06T00:00:00Z, 2024-01-07T00:00:00Z) after 2024-01-07T00:00:00Z',
    );
  });

  it('re-aligns after a schedule change (Airflow test_cron_next_dagrun_info_alignment "changed")', () => {
    const timetable = createTimetable('@daily');
    const last = interval('2022-08-07T01:00:00', '2022-08-08T01:00:00');
    expect(show(timetable.upcomingDagRunInfo(args({ lastAutomatedInterval: last, startDate: undefined })))).toBe(
      '2022-08-08T00:00:00Z [2022-08-08T00:00:00Z, 2022-08-09T00:00:00Z) after 2022-08-09T00:00:00Z',
    );
  });

  it('@weekly: Sunday midnight to Sunday midnight', () => {
    const runs = collectDueRuns(createTimetable('@weekly'), {
      now: d('2024-01-25T00:00:00'),
      startDate: d('2024-01-03T12:00:00'),
      endDate: undefined,
      catchup: true,
    });
    // 2024-01-07 and 2024-01-14 are Sundays; [01-21, 01-28) has not ended yet.
    expect(runs).toEqual(['2024-01-07T00:00:00Z', '2024-01-14T00:00:00Z']);
  });

  it('@monthly: intervals of uneven length across a leap February', () => {
    const timetable = createTimetable('@monthly');
    const base = { now: d('2024-04-15T00:00:00'), startDate: d('2024-01-01T00:00:00'), endDate: undefined, catchup: true };
    expect(collectDueRuns(timetable, base)).toEqual(['2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z']);
    expect(show(timetable.nextDagRunInfo(args({ ...base, lastAutomatedInterval: interval('2024-01-01', '2024-02-01') })))).toBe(
      '2024-02-01T00:00:00Z [2024-02-01T00:00:00Z, 2024-03-01T00:00:00Z) after 2024-03-01T00:00:00Z',
    );
  });

  it('*/15 * * * *: quarter-hour intervals', () => {
    const runs = collectDueRuns(createTimetable('*/15 * * * *'), {
      now: d('2024-01-01T01:07:00'),
      startDate: d('2024-01-01T00:10:00'),
      endDate: undefined,
      catchup: true,
    });
    expect(runs).toEqual(['2024-01-01T00:15:00Z', '2024-01-01T00:30:00Z', '2024-01-01T00:45:00Z']);
  });

  it("0 6 * * 1-5: Friday's interval spans the weekend and runs on Monday at 06:00", () => {
    const timetable = createTimetable('0 6 * * 1-5');
    // 2024-01-05 is a Friday, 2024-01-08 a Monday.
    const friday = timetable.nextDagRunInfo(
      args({ lastAutomatedInterval: interval('2024-01-04T06:00:00', '2024-01-05T06:00:00'), now: d('2024-01-08T06:00:00') }),
    );
    expect(show(friday)).toBe('2024-01-05T06:00:00Z [2024-01-05T06:00:00Z, 2024-01-08T06:00:00Z) after 2024-01-08T06:00:00Z');
    expect(
      timetable.nextDagRunInfo(
        args({ lastAutomatedInterval: interval('2024-01-04T06:00:00', '2024-01-05T06:00:00'), now: d('2024-01-08T05:59:59') }),
      ),
    ).toBeUndefined();
  });

  it('respects end_date: no interval may start after it, though the last may end after it', () => {
    const timetable = createTimetable('@daily');
    const base = { now: d('2024-02-01T00:00:00'), startDate: d('2024-01-01T00:00:00'), endDate: d('2024-01-03T12:00:00'), catchup: true };
    expect(collectDueRuns(timetable, base)).toEqual(['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z']);
    // An end_date exactly on a tick still allows the interval that starts there (start > end_date stops).
    expect(collectDueRuns(timetable, { ...base, endDate: d('2024-01-03T00:00:00') })).toEqual([
      '2024-01-01T00:00:00Z',
      '2024-01-02T00:00:00Z',
      '2024-01-03T00:00:00Z',
    ]);
    expect(collectDueRuns(timetable, { ...base, endDate: d('2023-12-31T00:00:00') })).toEqual([]);
  });

  it('never runs without a start_date and a previous run', () => {
    expect(createTimetable('@daily').upcomingDagRunInfo(args({ startDate: undefined }))).toBeUndefined();
  });

  it('a start_date in the future means nothing is due yet', () => {
    const timetable = createTimetable('@daily');
    const base = args({ startDate: d('2024-03-01T00:00:00'), now: d('2024-02-01T00:00:00') });
    expect(timetable.nextDagRunInfo(base)).toBeUndefined();
    expect(show(timetable.upcomingDagRunInfo(base))).toBe(
      '2024-03-01T00:00:00Z [2024-03-01T00:00:00Z, 2024-03-02T00:00:00Z) after 2024-03-02T00:00:00Z',
    );
  });
});

describe('cron timetable, catchup=false', () => {
  it('gives only the latest complete interval', () => {
    const runs = collectDueRuns(createTimetable('@daily'), {
      now: d('2024-01-04T10:30:00'),
      startDate: d('2024-01-01T00:00:00'),
      endDate: undefined,
      catchup: false,
    });
    expect(runs).toEqual(['2024-01-03T00:00:00Z']);
  });

  it('when now is exactly on a tick, the interval that ends now is due', () => {
    const timetable = createTimetable('@hourly');
    expect(
      show(timetable.nextDagRunInfo(args({ now: d('2021-09-07T00:00:00'), startDate: d('2021-09-04T00:00:00'), catchup: false }))),
    ).toBe('2021-09-06T23:00:00Z [2021-09-06T23:00:00Z, 2021-09-07T00:00:00Z) after 2021-09-07T00:00:00Z');
  });

  it('skips the runs missed since the last one', () => {
    const timetable = createTimetable('@hourly');
    // Airflow test_no_catchup_next_info_starts_at_current_time ("subsequent").
    const info = timetable.nextDagRunInfo(
      args({
        lastAutomatedInterval: interval('2021-09-04', '2021-09-05'),
        now: d('2021-09-07T00:00:00'),
        startDate: d('2021-09-04'),
        catchup: false,
      }),
    );
    expect(show(info)).toBe('2021-09-06T23:00:00Z [2021-09-06T23:00:00Z, 2021-09-07T00:00:00Z) after 2021-09-07T00:00:00Z');
  });

  it('does not repeat the latest run once it exists', () => {
    const timetable = createTimetable('@daily');
    const base = args({ now: d('2024-01-04T10:30:00'), catchup: false });
    expect(timetable.nextDagRunInfo({ ...base, lastAutomatedInterval: interval('2024-01-03', '2024-01-04') })).toBeUndefined();
  });

  it('never starts before start_date: a start_date after the latest complete interval waits for its own interval', () => {
    // Airflow test_no_catchup_first_starts_at_current_time: cron "30 16 * * *", now 2021-09-07T00:00,
    // start_date the day before.
    const timetable = createTimetable('30 16 * * *');
    const base = args({ now: d('2021-09-07T00:00:00'), startDate: d('2021-09-06T00:00:00'), catchup: false });
    expect(show(timetable.upcomingDagRunInfo(base))).toBe(
      '2021-09-06T16:30:00Z [2021-09-06T16:30:00Z, 2021-09-07T16:30:00Z) after 2021-09-07T16:30:00Z',
    );
    expect(timetable.nextDagRunInfo(base)).toBeUndefined();
  });

  it('respects end_date', () => {
    const timetable = createTimetable('@daily');
    expect(
      timetable.nextDagRunInfo(args({ now: d('2024-01-10T10:00:00'), endDate: d('2024-01-05T00:00:00'), catchup: false })),
    ).toBeUndefined();
  });
});

describe('@once and null timetables', () => {
  it('@once runs once, at start_date, whatever catchup says', () => {
    const timetable = createTimetable('@once');
    for (const catchup of [true, false]) {
      const base = { now: d('2024-01-10T00:00:00'), startDate: d('2024-01-01T08:00:00'), endDate: undefined, catchup };
      expect(collectDueRuns(timetable, base)).toEqual(['2024-01-01T08:00:00Z']);
      expect(show(timetable.nextDagRunInfo({ ...base, lastAutomatedInterval: undefined }))).toBe(
        '2024-01-01T08:00:00Z [2024-01-01T08:00:00Z, 2024-01-01T08:00:00Z) after 2024-01-01T08:00:00Z',
      );
    }
  });

  it('@once waits for a future start_date and honours end_date', () => {
    const timetable = createTimetable('@once');
    expect(timetable.nextDagRunInfo(args({ startDate: d('2024-02-01'), now: d('2024-01-31T23:59:59') }))).toBeUndefined();
    expect(timetable.nextDagRunInfo(args({ startDate: d('2024-02-01'), now: d('2024-02-01') }))).toBeDefined();
    expect(timetable.upcomingDagRunInfo(args({ startDate: d('2024-02-01'), endDate: d('2024-01-31') }))).toBeUndefined();
    expect(timetable.upcomingDagRunInfo(args({ startDate: undefined }))).toBeUndefined();
  });

  it('null never schedules', () => {
    const timetable = createTimetable(null);
    expect(timetable.nextDagRunInfo(args({}))).toBeUndefined();
    expect(timetable.upcomingDagRunInfo(args({ catchup: false }))).toBeUndefined();
    expect(timetable.intervalsBetween(d('2024-01-01'), d('2024-02-01'))).toEqual([]);
  });
});

describe('inferManualDataInterval', () => {
  it('cron: the last complete interval before the trigger time (Airflow test_cron_infer_manual_data_interval_alignment)', () => {
    const daily = createTimetable('@daily');
    expect(showInterval(daily.inferManualDataInterval(d('2022-08-08T01:00:00')))).toBe('[2022-08-07T00:00:00Z, 2022-08-08T00:00:00Z)');
    expect(showInterval(daily.inferManualDataInterval(d('2022-08-08T00:00:00')))).toBe('[2022-08-07T00:00:00Z, 2022-08-08T00:00:00Z)');
    const weekdays = createTimetable('0 6 * * 1-5');
    // Triggered on Sunday 2024-01-07: the last complete interval is Thursday 06:00 -> Friday 06:00.
    expect(showInterval(weekdays.inferManualDataInterval(d('2024-01-07T12:00:00')))).toBe('[2024-01-04T06:00:00Z, 2024-01-05T06:00:00Z)');
  });

  it('null and @once: the empty interval at the trigger time', () => {
    for (const schedule of [null, '@once']) {
      expect(showInterval(createTimetable(schedule).inferManualDataInterval(d('2024-05-05T12:34:56')))).toBe(
        '[2024-05-05T12:34:56Z, 2024-05-05T12:34:56Z)',
      );
    }
  });
});

describe('intervalsBetween (backfill)', () => {
  const logicalDates = (timetable: Timetable, from: string, to: string): string[] =>
    timetable.intervalsBetween(d(from), d(to)).map((info) => iso(info.logicalDate));

  it('@daily over a leap day, both ends inclusive', () => {
    const runs = createTimetable('@daily').intervalsBetween(d('2024-02-27'), d('2024-03-01'));
    expect(runs.map(show)).toEqual([
      '2024-02-27T00:00:00Z [2024-02-27T00:00:00Z, 2024-02-28T00:00:00Z) after 2024-02-28T00:00:00Z',
      '2024-02-28T00:00:00Z [2024-02-28T00:00:00Z, 2024-02-29T00:00:00Z) after 2024-02-29T00:00:00Z',
      '2024-02-29T00:00:00Z [2024-02-29T00:00:00Z, 2024-03-01T00:00:00Z) after 2024-03-01T00:00:00Z',
      '2024-03-01T00:00:00Z [2024-03-01T00:00:00Z, 2024-03-02T00:00:00Z) after 2024-03-02T00:00:00Z',
    ]);
  });

  it('aligns an unaligned range to the schedule', () => {
    expect(logicalDates(createTimetable('@daily'), '2024-01-01T06:00:00', '2024-01-03T23:59:59')).toEqual([
      '2024-01-02T00:00:00Z',
      '2024-01-03T00:00:00Z',
    ]);
    expect(logicalDates(createTimetable('@daily'), '2024-01-01T06:00:00', '2024-01-01T23:00:00')).toEqual([]);
    expect(logicalDates(createTimetable('@daily'), '2024-01-05', '2024-01-01')).toEqual([]);
  });

  it('@monthly across month ends of a leap year', () => {
    const runs = createTimetable('@monthly').intervalsBetween(d('2024-01-15'), d('2024-04-01'));
    expect(runs.map((r) => showInterval(r.dataInterval))).toEqual([
      '[2024-02-01T00:00:00Z, 2024-03-01T00:00:00Z)',
      '[2024-03-01T00:00:00Z, 2024-04-01T00:00:00Z)',
      '[2024-04-01T00:00:00Z, 2024-05-01T00:00:00Z)',
    ]);
  });

  it('last day of the month ("0 0 L * *") and 29 February ("0 0 29 2 *")', () => {
    expect(logicalDates(createTimetable('0 0 L * *'), '2023-12-31', '2024-04-30')).toEqual([
      '2023-12-31T00:00:00Z',
      '2024-01-31T00:00:00Z',
      '2024-02-29T00:00:00Z',
      '2024-03-31T00:00:00Z',
      '2024-04-30T00:00:00Z',
    ]);
    const leap = createTimetable('0 0 29 2 *').intervalsBetween(d('2023-01-01'), d('2029-01-01'));
    expect(leap.map((r) => showInterval(r.dataInterval))).toEqual([
      '[2024-02-29T00:00:00Z, 2028-02-29T00:00:00Z)',
      '[2028-02-29T00:00:00Z, 2032-02-29T00:00:00Z)',
    ]);
  });

  it('weekdays only: no weekend logical dates', () => {
    expect(logicalDates(createTimetable('0 6 * * 1-5'), '2024-01-05', '2024-01-09T06:00:00')).toEqual([
      '2024-01-05T06:00:00Z',
      '2024-01-08T06:00:00Z',
      '2024-01-09T06:00:00Z',
    ]);
  });

  it('@once backfills one run at the start of the range', () => {
    expect(logicalDates(createTimetable('@once'), '2024-01-01T08:00:00', '2024-02-01')).toEqual(['2024-01-01T08:00:00Z']);
  });

  it('refuses an absurdly large range', () => {
    expect(() => createTimetable('* * * * *').intervalsBetween(d('2000-01-01'), d('2024-01-01'))).toThrow(
      /more than 100000 runs; narrow the --from\/--to range/,
    );
  });

  it('matches the scheduler with catchup for the same range', () => {
    const timetable = createTimetable('*/15 * * * *');
    const scheduled = collectDueRuns(timetable, {
      now: d('2024-01-02T00:00:00'),
      startDate: d('2024-01-01T00:00:00'),
      endDate: undefined,
      catchup: true,
    });
    expect(logicalDates(timetable, '2024-01-01T00:00:00', '2024-01-01T23:45:00')).toEqual(scheduled);
    expect(scheduled).toHaveLength(96);
  });
});

describe('cron timetable properties (against a brute-force tick list)', () => {
  const SCHEDULES = ['@hourly', '@daily', '@weekly', '@monthly', '*/15 * * * *', '0 6 * * 1-5', '30 16 * * *', '0 0 L * *'];
  const schedule = fc.constantFrom(...SCHEDULES);
  const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2024, 11, 31) }).map((ms) => new Date(ms - (ms % 1000)));
  const onTick = fc.boolean();

  /** Every tick in [from, to], straight from croner, independently of the timetable's alignment logic. */
  function ticks(expression: string, from: Date, to: Date): Date[] {
    const cron = new Cron(createTimetable(expression).summary, { utcOffset: 0, paused: true });
    const out: Date[] = [];
    for (let t = cron.nextRun(new Date(from.getTime() - 1)); t !== null && t.getTime() <= to.getTime(); t = cron.nextRun(t)) out.push(t);
    return out;
  }
  const DAY = 86_400_000;

  it('catchup=false: the interval ending at the latest tick <= now, never starting before start_date', () => {
    fc.assert(
      fc.property(schedule, instant, instant, onTick, (expression, a, b, snapNow) => {
        const [startDate, rawNow] = a <= b ? [a, b] : [b, a];
        const timetable = createTimetable(expression);
        // 70 days back hold at least two ticks of every schedule above.
        const recent = ticks(expression, new Date(rawNow.getTime() - 70 * DAY), rawNow);
        const now = snapNow ? recent[recent.length - 1]! : rawNow;
        const latestEnd = recent[recent.length - 1]!;
        const latestStart = recent[recent.length - 2]!;
        const firstAtOrAfterStart = ticks(expression, startDate, new Date(startDate.getTime() + 70 * DAY))[0]!;
        const info = timetable.nextDagRunInfo({ lastAutomatedInterval: undefined, now, startDate, endDate: undefined, catchup: false });
        if (firstAtOrAfterStart.getTime() <= latestStart.getTime()) {
          expect(showInterval(info!.dataInterval)).toBe(`[${iso(latestStart)}, ${iso(latestEnd)})`);
        } else {
          expect(info).toBeUndefined();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('catchup=true: the scheduler loop creates exactly the complete intervals since start_date, equal to a backfill', () => {
    fc.assert(
      fc.property(schedule, instant, fc.integer({ min: 0, max: 40 * 86_400_000 }), (expression, startDate, span) => {
        const now = new Date(startDate.getTime() + span);
        const timetable = createTimetable(expression);
        const all = ticks(expression, startDate, now);
        const expected = all.slice(0, -1).map(iso); // a tick starts a due run only if the next tick <= now
        const runs = collectDueRuns(timetable, { now, startDate, endDate: undefined, catchup: true }, 5000);
        expect(runs).toEqual(expected);
        if (all.length >= 2)
          expect(timetable.intervalsBetween(startDate, all[all.length - 2]!).map((r) => iso(r.logicalDate))).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
