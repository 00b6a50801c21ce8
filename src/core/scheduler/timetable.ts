/**
 * Timetables: when a DAG's automated runs happen and which data interval each one covers.
 *
 * Apache Airflow 2.x semantics, in UTC, ported from:
 * - `airflow/timetables/interval.py` (`_DataIntervalTimetable.next_dagrun_info`,
 *   `CronDataIntervalTimetable._skip_to_latest` and `infer_manual_data_interval`),
 * - `airflow/timetables/_cron.py` (`CronMixin`: presets, `_get_next`, `_get_prev`,
 *   `_align_to_next`, `_align_to_prev`),
 * - `airflow/timetables/simple.py` (`NullTimetable`, `OnceTimetable`),
 * - `airflow/models/dag.py` (`create_timetable`, `iter_dagrun_infos_between` for backfill).
 *
 * A cron run covers the data interval [tick_i, tick_i+1); its logical date is the interval's
 * start and it may be created once the interval is over (`run_after` = interval end). So the
 * `@daily` run with logical date 2024-01-01 runs just after midnight on 2024-01-02.
 */
import { SCHEDULE_PRESETS } from '../dag/describeInvalidSchedule';
import { Cron } from 'croner';

export interface DataInterval {
  start: Date;
  end: Date;
}

export interface DagRunInfo {
  /** Airflow's logical date (formerly execution date): the data interval's start. */
  logicalDate: Date;
  dataInterval: DataInterval;
  /** The earliest time the run may be created (Airflow's `DagRunInfo.run_after`). */
  runAfter: Date;
}

export interface NextDagRunArgs {
  /** The data interval of the latest automated (scheduled or backfilled) run, if any. */
  lastAutomatedInterval: DataInterval | undefined;
  now: Date;
  /** The DAG's `start_date` (Airflow's `TimeRestriction.earliest`). */
  startDate: Date | undefined;
  /** The DAG's `end_date` (Airflow's `TimeRestriction.latest`). */
  endDate: Date | undefined;
  catchup: boolean;
}

export interface Timetable {
  /** Airflow's `Timetable.summary`: the cron expression (presets expanded), "@once" or "None". */
  readonly summary: string;
  /** Airflow's `Timetable.description`: a sentence for people. */
  readonly description: string;
  /** False for `null` and `@once` (Airflow's `_TrivialTimetable.periodic`). */
  readonly periodic: boolean;
  /**
   * The next automated run to create, or undefined if none is due at `now` (or none ever).
   * It is {@link upcomingDagRunInfo} when its `runAfter <= now`: Airflow's scheduler creates the
   * run that `next_dagrun_info` plans once `next_dagrun_create_after` has passed.
   */
  nextDagRunInfo(args: NextDagRunArgs): DagRunInfo | undefined;
  /**
   * Airflow's `next_dagrun_info`: the next automated run, due or not (its `runAfter` may be in
   * the future). Undefined when none will ever come (no start date, past end date, @once done).
   * Use it to know when to wake up or to show "next run" to the user.
   */
  upcomingDagRunInfo(args: NextDagRunArgs): DagRunInfo | undefined;
  /**
   * The data interval of a manual run triggered at `runAfter` (Airflow's
   * `infer_manual_data_interval`): for a cron schedule the last complete interval that ends at or
   * before `runAfter`; for `null` and `@once` the empty interval [runAfter, runAfter]. Note that
   * in Airflow 2 a manual run's logical date is the trigger time itself, not this interval's start.
   */
  inferManualDataInterval(runAfter: Date): DataInterval;
  /**
   * Runs whose logical dates fall within [from, to] (inclusive), in order, for backfill (Airflow's
   * `DAG.iter_dagrun_infos_between(earliest, latest, align=True)`). Ignores `now`, `start_date`
   * and `end_date`, as an Airflow backfill does. Throws when the range holds more than
   * {@link MAX_BACKFILL_RUNS} runs.
   */
  intervalsBetween(from: Date, to: Date): DagRunInfo[];
}

/** Thrown by {@link createTimetable} for a schedule that Airflow would not accept either. */
export class InvalidScheduleError extends Error {
  override readonly name = 'InvalidScheduleError';
}

/** A backfill larger than this is almost certainly a typo in its range; say so instead of creating it. */
export const MAX_BACKFILL_RUNS = 100_000;

/** Aliases croniter understands although Airflow's `cron_presets` does not list them. */
const CRONITER_ONLY = new Set(['@annually', '@midnight']);

/**
 * Airflow's `airflow.utils.dates.cron_presets`: these presets are replaced by their expression, so
 * the timetable's summary shows the expression (e.g. `@daily` -> "0 0 * * *"). One table of
 * presets (SCHEDULE_PRESETS, shared with validation) feeds both maps.
 */
export const CRON_PRESETS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(SCHEDULE_PRESETS).filter((e): e is [string, string] => e[1] !== null && !CRONITER_ONLY.has(e[0]))),
);

/** croniter's own aliases: in Airflow they keep their name as the summary (`@annually`, `@midnight`). */
const CRONITER_ALIASES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(SCHEDULE_PRESETS).filter((e): e is [string, string] => e[1] !== null && CRONITER_ONLY.has(e[0]))),
);

const SCHEDULE_HELP =
  'Use a cron expression with five fields (minute hour day-of-month month day-of-week, e.g. "0 6 * * 1-5"), ' +
  'one of @once, @hourly, @daily, @weekly, @monthly, @quarterly, @yearly, @annually, @midnight, or null for manual runs only.';

/**
 * Builds the timetable for a DAG's `schedule`, as Airflow 2's `create_timetable` does:
 * null -> no automated runs, "@once" -> one run at the start date, anything else -> a cron
 * data-interval timetable. Throws {@link InvalidScheduleError} for an invalid schedule.
 */
export function createTimetable(schedule: string | null): Timetable {
  if (schedule === null) return NULL_TIMETABLE;
  if (typeof schedule !== 'string') {
    throw new InvalidScheduleError(`Invalid schedule ${JSON.stringify(schedule)}: expected a string or null. ${SCHEDULE_HELP}`);
  }
  const text = schedule.trim();
  if (text === '@once') return ONCE_TIMETABLE;
  if (text === '@continuous') {
    throw new InvalidScheduleError('Invalid schedule "@continuous": Dagstream does not support continuous DAG runs. ' + SCHEDULE_HELP);
  }
  if (text.startsWith('@')) {
    const expression = CRON_PRESETS[text] ?? CRONITER_ALIASES[text];
    if (expression === undefined) throw new InvalidScheduleError(`Invalid schedule "${schedule}": unknown preset. ${SCHEDULE_HELP}`);
    return new CronDataIntervalTimetable(CRON_PRESETS[text] ?? text, expression);
  }
  return new CronDataIntervalTimetable(text, text);
}

// ── null and @once (airflow/timetables/simple.py) ─────────────────────────────

/** `schedule=None`: never schedules anything; manual runs get the empty interval at trigger time. */
const NULL_TIMETABLE: Timetable = Object.freeze({
  summary: 'None',
  description: 'Never, external triggers only',
  periodic: false,
  nextDagRunInfo: (): undefined => undefined,
  upcomingDagRunInfo: (): undefined => undefined,
  inferManualDataInterval: (runAfter: Date): DataInterval => exactInterval(checkDate('runAfter', runAfter)),
  intervalsBetween: (from: Date, to: Date): DagRunInfo[] => {
    checkRange(from, to);
    return [];
  },
});

/** `schedule="@once"`: one run at the start date, whatever `catchup` says (Airflow: AIRFLOW-1928). */
const ONCE_TIMETABLE: Timetable = Object.freeze({
  summary: '@once',
  description: 'Once, as soon as possible',
  periodic: false,
  nextDagRunInfo: (args: NextDagRunArgs): DagRunInfo | undefined =>
    dueAt(onceUpcoming(args.lastAutomatedInterval, args.startDate, args.endDate), args.now),
  upcomingDagRunInfo: (args: NextDagRunArgs): DagRunInfo | undefined =>
    onceUpcoming(args.lastAutomatedInterval, args.startDate, args.endDate),
  inferManualDataInterval: (runAfter: Date): DataInterval => exactInterval(checkDate('runAfter', runAfter)),
  intervalsBetween: (from: Date, to: Date): DagRunInfo[] => {
    checkRange(from, to);
    // iter_dagrun_infos_between asks next_dagrun_info with earliest=from, latest=to: one run at
    // `from` if from <= to, then nothing since a previous run exists.
    const info = onceUpcoming(undefined, from, to);
    return info ? [info] : [];
  },
});

/** OnceTimetable.next_dagrun_info. */
function onceUpcoming(last: DataInterval | undefined, earliest: Date | undefined, latest: Date | undefined): DagRunInfo | undefined {
  if (last !== undefined) return undefined; // Already run, no more scheduling.
  if (earliest === undefined) return undefined; // No start date, won't run.
  const runAfter = checkDate('startDate', earliest);
  if (latest !== undefined && runAfter.getTime() > checkDate('endDate', latest).getTime()) return undefined;
  // DagRunInfo.exact(run_after): the data interval is [start_date, start_date].
  return { logicalDate: new Date(runAfter), dataInterval: exactInterval(runAfter), runAfter: new Date(runAfter) };
}

// ── cron (airflow/timetables/interval.py + _cron.py) ──────────────────────────

/** Airflow's CronDataIntervalTimetable, always in UTC. */
class CronDataIntervalTimetable implements Timetable {
  readonly periodic = true;
  readonly description: string;
  private readonly cron: Cron;

  /**
   * @param summary what Airflow's `summary` shows (the preset's expression, or the text as given)
   * @param expression a cron expression in croniter's syntax
   */
  constructor(
    readonly summary: string,
    expression: string,
  ) {
    this.cron = compileCron(summary, expression);
    this.description = `Cron schedule "${summary}" (UTC)`;
  }

  nextDagRunInfo(args: NextDagRunArgs): DagRunInfo | undefined {
    return dueAt(this.upcomingDagRunInfo(args), args.now);
  }

  /** `_DataIntervalTimetable.next_dagrun_info`, line by line. */
  upcomingDagRunInfo(args: NextDagRunArgs): DagRunInfo | undefined {
    const now = checkDate('now', args.now);
    let earliest = args.startDate === undefined ? undefined : checkDate('startDate', args.startDate);
    const latest = args.endDate === undefined ? undefined : checkDate('endDate', args.endDate);
    if (!args.catchup) {
      earliest = this.skipToLatest(earliest, now);
    } else if (earliest !== undefined) {
      // The first interval starts at the first tick at or after start_date.
      earliest = this.alignToNext(earliest);
    }
    let start: Date;
    if (args.lastAutomatedInterval === undefined) {
      // First run: at the first available time matching the schedule; its data interval is
      // created retrospectively.
      if (earliest === undefined) return undefined;
      start = earliest;
    } else {
      // Alignment is needed when the DAG got a new schedule since the last run.
      const alignedLastEnd = this.alignToPrev(checkDate('lastAutomatedInterval.end', args.lastAutomatedInterval.end));
      // catchup=false, or a start date moved into the future: the later one wins.
      start = earliest !== undefined ? later(alignedLastEnd, earliest) : alignedLastEnd;
    }
    // Airflow compares the interval's START with end_date: the last run may end after end_date.
    if (latest !== undefined && start.getTime() > latest.getTime()) return undefined;
    return intervalInfo(start, this.next(start));
  }

  /**
   * CronDataIntervalTimetable.infer_manual_data_interval: the last complete period before
   * run_after. A run triggered at 01:00 on the 25th of a @daily DAG covers [24th 00:00, 25th 00:00),
   * and so does one triggered exactly at 00:00 on the 25th.
   */
  inferManualDataInterval(runAfter: Date): DataInterval {
    const end = this.alignToPrev(checkDate('runAfter', runAfter));
    return { start: this.prev(end), end };
  }

  intervalsBetween(from: Date, to: Date): DagRunInfo[] {
    checkRange(from, to);
    // iter_dagrun_infos_between(align=True): TimeRestriction(earliest=from, latest=to, catchup=True)
    // and next_dagrun_info fed with the previous interval until it returns None.
    const first = this.upcomingDagRunInfo({ lastAutomatedInterval: undefined, now: to, startDate: from, endDate: to, catchup: true });
    const runs: DagRunInfo[] = [];
    // Each later call of next_dagrun_info starts at align_to_prev(previous end), which is the
    // previous end itself since every end is a tick; so one croner call per run is enough.
    for (let info = first; info !== undefined;) {
      if (runs.length >= MAX_BACKFILL_RUNS) {
        throw new Error(
          `Backfill from ${from.toISOString()} to ${to.toISOString()} with schedule "${this.summary}" would create more than ${MAX_BACKFILL_RUNS} runs; narrow the --from/--to range.`,
        );
      }
      runs.push(info);
      const start = info.dataInterval.end;
      info = start.getTime() > to.getTime() ? undefined : intervalInfo(start, this.next(start));
    }
    return runs;
  }

  /**
   * CronDataIntervalTimetable._skip_to_latest with Airflow 2's default behaviour
   * (`catchup_false_no_dagrun_airflow_2_fix` off): the start of the latest COMPLETE interval, i.e.
   * the one that ends at the most recent tick <= now, so that it is due at once; but never before
   * the first tick at or after start_date.
   */
  private skipToLatest(earliest: Date | undefined, now: Date): Date {
    const lastStart = this.prev(now);
    const nextStart = this.next(lastStart);
    // now on a tick: the interval that ends now; now between ticks: the one that ended at lastStart.
    const newStart = nextStart.getTime() === now.getTime() ? lastStart : this.prev(lastStart);
    return earliest === undefined ? newStart : later(newStart, this.alignToNext(earliest));
  }

  /** CronMixin._align_to_next: `current` if it falls on a tick, else the next tick. */
  private alignToNext(current: Date): Date {
    const nextTime = this.next(current);
    return this.prev(nextTime).getTime() !== current.getTime() ? nextTime : new Date(current);
  }

  /** CronMixin._align_to_prev: `current` if it falls on a tick, else the previous tick. */
  private alignToPrev(current: Date): Date {
    const prevTime = this.prev(current);
    return this.next(prevTime).getTime() !== current.getTime() ? prevTime : new Date(current);
  }

  /** CronMixin._get_next: the first tick strictly after `current` (croniter's get_next). */
  private next(current: Date): Date {
    const tick = this.cron.nextRun(current);
    if (tick === null) throw new Error(`Schedule "${this.summary}" has no run after ${current.toISOString()}.`);
    return tick;
  }

  /** CronMixin._get_prev: the last tick strictly before `current` (croniter's get_prev). */
  private prev(current: Date): Date {
    const [tick] = this.cron.previousRuns(1, current);
    if (tick === undefined) throw new Error(`Schedule "${this.summary}" has no run before ${current.toISOString()}.`);
    return tick;
  }
}

/** Field names and ranges of a five-field cron expression, for precise error messages. */
const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 7 },
] as const;

/**
 * Parses a cron expression with croniter's rules, which Airflow uses: five fields, or six with the
 * SECONDS LAST (croniter's default `second_at_beginning=False`; croner wants seconds first, so the
 * field is moved). Day-of-month and day-of-week combine with OR when both are restricted, as in
 * croniter (`day_or=True`) and croner's default.
 */
function compileCron(summary: string, expression: string): Cron {
  const fields = expression.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5 && fields.length !== 6) {
    throw new InvalidScheduleError(
      `Invalid schedule "${summary}": a cron expression needs 5 fields, found ${fields.length}. ${SCHEDULE_HELP}`,
    );
  }
  CRON_FIELDS.forEach((field, i) => checkFieldRange(summary, field, fields[i] ?? ''));
  const seconds = fields.length === 6 ? fields[5] : undefined;
  if (seconds !== undefined) checkFieldRange(summary, { name: 'second', min: 0, max: 59 }, seconds);
  const pattern = seconds === undefined ? fields.join(' ') : [seconds, ...fields.slice(0, 5)].join(' ');
  let cron: Cron;
  try {
    // utcOffset 0 rather than timezone 'UTC': the same instants (UTC has no DST) at a tenth of the
    // cost, since croner then skips the Intl time zone conversions.
    cron = new Cron(pattern, { utcOffset: 0, paused: true, mode: seconds === undefined ? '5-part' : '6-part', sloppyRanges: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : String(error);
    throw new InvalidScheduleError(`Invalid schedule "${summary}": ${detail}. ${SCHEDULE_HELP}`);
  }
  // croniter refuses to compute with an expression that never matches (e.g. "0 0 30 2 *").
  if (cron.nextRun(new Date(0)) === null) {
    throw new InvalidScheduleError(
      `Invalid schedule "${summary}": it never matches any date, so the DAG would never run. ${SCHEDULE_HELP}`,
    );
  }
  return cron;
}

/** Reports a number outside a field's range by the field's name, e.g. "month 13 is out of range 1-12". */
function checkFieldRange(summary: string, field: { name: string; min: number; max: number }, text: string): void {
  for (const part of text.split(',')) {
    const [range = ''] = part.split('/');
    for (const bound of range.split('-')) {
      if (!/^\d+$/.test(bound)) continue; // names (MON, JAN), *, ?, L, W, #: left to croner
      const value = Number(bound);
      if (value < field.min || value > field.max) {
        throw new InvalidScheduleError(
          `Invalid schedule "${summary}": ${field.name} ${value} is out of range ${field.min}-${field.max}. ${SCHEDULE_HELP}`,
        );
      }
    }
  }
}

// ── helpers ───────────────────────────────────────────────────────────────────

/** DagRunInfo.interval(start, end): the run may be created once its interval has ended. */
function intervalInfo(start: Date, end: Date): DagRunInfo {
  return { logicalDate: new Date(start), dataInterval: { start: new Date(start), end: new Date(end) }, runAfter: new Date(end) };
}

/** DataInterval.exact(at). */
function exactInterval(at: Date): DataInterval {
  return { start: new Date(at), end: new Date(at) };
}

/** The scheduler creates a planned run once `now >= next_dagrun_create_after` (= runAfter). */
function dueAt(info: DagRunInfo | undefined, now: Date): DagRunInfo | undefined {
  return info !== undefined && info.runAfter.getTime() <= checkDate('now', now).getTime() ? info : undefined;
}

function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

function checkDate(name: string, value: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new TypeError(`Timetable: ${name} must be a valid Date, got ${String(value)}.`);
  }
  return value;
}

function checkRange(from: Date, to: Date): void {
  checkDate('from', from);
  checkDate('to', to);
}
