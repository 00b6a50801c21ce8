import type { RunType } from '../store/metadataRecords';

/**
 * Airflow's run id: `<run_type>__<logical date with +00:00 offset>`, for example
 * `manual__2026-11-25T13:00:00.123456+00:00`. Microseconds appear only when non-zero.
 */
export function makeRunId(runType: RunType, logicalDate: Date): string {
  return `${runType}__${formatAirflowTimestamp(logicalDate)}`;
}

/** An ISO timestamp as Airflow prints one: `+00:00` instead of `Z`, microseconds when non-zero. */
export function formatAirflowTimestamp(date: Date): string {
  const iso = date.toISOString(); // 2026-11-25T13:00:00.123Z
  const millis = iso.slice(20, 23);
  const base = iso.slice(0, 19);
  return millis === '000' ? `${base}+00:00` : `${base}.${millis}000+00:00`;
}
