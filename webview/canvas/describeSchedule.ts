import { toString as describeCron } from 'cronstrue';

/** Airflow's presets (as the scheduler reads them) and the cron expression each stands for; `@once` has none. */
export const SCHEDULE_PRESETS: readonly { preset: string; cron: string | null }[] = [
  { preset: '@once', cron: null },
  { preset: '@hourly', cron: '0 * * * *' },
  { preset: '@daily', cron: '0 0 * * *' },
  { preset: '@weekly', cron: '0 0 * * 0' },
  { preset: '@monthly', cron: '0 0 1 * *' },
  { preset: '@quarterly', cron: '0 0 1 */3 *' },
  { preset: '@yearly', cron: '0 0 1 1 *' },
];
const ALIASES: Readonly<Record<string, string>> = { '@annually': '0 0 1 1 *', '@midnight': '0 0 * * *' };

/**
 * A schedule in words, for the DAG settings form: "At 06:00, every day (UTC)". Returns
 * `valid: false` with a hint when cronstrue cannot read it; the host's validation (the one the
 * scheduler uses) has the last word and reports its own problem.
 */
export function describeSchedule(schedule: string | null | undefined): { valid: boolean; text: string } {
  if (schedule === null || schedule === undefined || schedule.trim() === '') {
    return { valid: true, text: 'No schedule: runs start only when triggered by hand.' };
  }
  const trimmed = schedule.trim();
  if (trimmed === '@once') return { valid: true, text: 'Once, for the data interval starting at start_date.' };
  const cron = SCHEDULE_PRESETS.find((p) => p.preset === trimmed)?.cron ?? ALIASES[trimmed] ?? trimmed;
  if (cron.startsWith('@'))
    return {
      valid: false,
      text: `Unknown preset ${trimmed}; use ${SCHEDULE_PRESETS.map((p) => p.preset).join(', ')} or a cron expression.`,
    };
  if (cron.split(/\s+/).length !== 5) {
    return { valid: false, text: 'A cron expression has five fields: minute hour day-of-month month day-of-week, e.g. "0 6 * * *".' };
  }
  try {
    return {
      valid: true,
      text: `${describeCron(cron, { use24HourTimeFormat: true, throwExceptionOnParseError: true, verbose: false })} (UTC)`,
    };
  } catch (error) {
    return { valid: false, text: `Not a cron expression: ${String(error).replace(/^Error:\s*/, '')}` };
  }
}
