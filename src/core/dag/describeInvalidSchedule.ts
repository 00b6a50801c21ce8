import { CronPattern } from 'croner';

/**
 * Airflow's schedule presets and the cron expressions they stand for (`airflow.utils.dates`),
 * plus the aliases croniter, and so Airflow, also accepts (`@annually`, `@midnight`). `@once`
 * has no cron expression: one run at `start_date`.
 */
export const SCHEDULE_PRESETS: Readonly<Record<string, string | null>> = {
  '@once': null,
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@quarterly': '0 0 1 */3 *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@midnight': '0 0 * * *',
};

/**
 * The croner options that read cron expressions as Airflow (croniter) does: exactly five fields,
 * `5/15`-style steps allowed, day-of-month and day-of-week combined with OR when both are set,
 * as the scheduler's timetable reads them.
 */
const AIRFLOW_CRON_OPTIONS = { mode: '5-part', sloppyRanges: true, domAndDow: false } as const;

const FIELD_NAMES = 'minute hour day-of-month month day-of-week';
const EXAMPLE = '"0 6 * * *" (every day at 06:00)';
// Whether a month can have day N (February counted with its leap day).
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Validation runs on every keystroke; a schedule rarely changes, so its verdict is remembered.
const verdicts = new Map<string, string | undefined>();
const MAX_REMEMBERED = 200;

/**
 * Explains why `schedule` is not a schedule Dagstream can run, or returns undefined when it is:
 * null (manual runs only), one of {@link SCHEDULE_PRESETS}, or a five-field cron expression.
 */
export function describeInvalidSchedule(schedule: unknown): string | undefined {
  if (schedule === null || schedule === undefined) return undefined;
  if (typeof schedule !== 'string') {
    return `"schedule" must be a cron expression such as ${EXAMPLE}, a preset such as "@daily", or null for manual runs only.`;
  }
  if (verdicts.has(schedule)) return verdicts.get(schedule);
  const verdict = describeInvalidScheduleText(schedule);
  if (verdicts.size >= MAX_REMEMBERED) verdicts.clear();
  verdicts.set(schedule, verdict);
  return verdict;
}

function describeInvalidScheduleText(schedule: string): string | undefined {
  const text = schedule.trim();
  if (text === '')
    return `"schedule" is empty: use a cron expression such as ${EXAMPLE}, a preset such as "@daily", or null for manual runs only.`;
  if (text.startsWith('@')) return describeInvalidPreset(text);
  const fields = text.split(/\s+/);
  if (fields.length === 6 || fields.length === 7) {
    return `Cron expression "${text}" has ${fields.length} fields; Airflow's cron has 5 (${FIELD_NAMES}), without seconds${fields.length === 7 ? ' or years' : ''}. Remove the ${fields.length === 7 ? 'seconds and year fields' : 'seconds field'}.`;
  }
  if (fields.length !== 5) {
    return `Cron expression "${text}" has ${fields.length} field${fields.length === 1 ? '' : 's'}; it needs 5 (${FIELD_NAMES}), e.g. ${EXAMPLE}, or use a preset such as "@daily".`;
  }
  let pattern: CronPattern;
  try {
    pattern = new CronPattern(text, undefined, AIRFLOW_CRON_OPTIONS);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, '');
    return `Invalid cron expression "${text}": ${reason}. The fields are ${FIELD_NAMES}, e.g. ${EXAMPLE}.`;
  }
  if (neverMatches(pattern)) {
    return `Cron expression "${text}" never matches a date: no month it allows has that day of the month. Check the day-of-month and month fields.`;
  }
  return undefined;
}

function describeInvalidPreset(text: string): string | undefined {
  if (text in SCHEDULE_PRESETS) return undefined;
  const presets = Object.keys(SCHEDULE_PRESETS).join(', ');
  if (text === '@continuous') {
    return `"@continuous" (Airflow's back-to-back runs) is not supported by Dagstream; use a cron expression such as "* * * * *" or a preset: ${presets}.`;
  }
  const lower = text.toLowerCase();
  if (lower in SCHEDULE_PRESETS) return `Schedule presets are lower case: write "${lower}".`;
  return `Unknown schedule preset "${text}"; use one of ${presets}, a cron expression such as ${EXAMPLE}, or null.`;
}

/**
 * True when the day-of-month and month fields cannot meet (`0 0 31 2 *`). Checked from the parsed
 * fields rather than by searching for a next run, which takes tens of milliseconds to give up.
 */
function neverMatches(pattern: CronPattern): boolean {
  // With a restricted day-of-week, croniter's OR rule lets that field fire on its own.
  if (!pattern.starDOW || pattern.starDOM || pattern.lastDayOfMonth) return false;
  const days: number[] = [];
  pattern.day.forEach((on, i) => {
    if (on) days.push(i + 1);
  });
  pattern.nearestWeekdays.forEach((on, i) => {
    if (on) days.push(i + 1);
  });
  if (days.length === 0) return false;
  const smallestDay = Math.min(...days);
  return !pattern.month.some((on, month) => on === 1 && smallestDay <= (DAYS_IN_MONTH[month] ?? 31));
}
