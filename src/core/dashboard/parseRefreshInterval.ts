import { parseDurationMs } from '../dag/parseDuration';

/** The shortest refresh interval: a dashboard re-running its queries faster would load the host for nothing. */
export const MIN_REFRESH_SECONDS = 1;

/**
 * A dashboard's `refresh_interval` in milliseconds: seconds as a number, or the DAG files'
 * duration strings ("30s", "5m", "1h"). Undefined for no automatic refresh (absent, null) and for
 * a value that is not valid (which {@link describeInvalidRefreshInterval} explains).
 */
export function parseRefreshIntervalMs(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = parseDurationMs(value);
  return ms !== undefined && ms >= MIN_REFRESH_SECONDS * 1_000 ? ms : undefined;
}

/** Says what is wrong with a `refresh_interval`, or undefined when it is valid (or absent). */
export function describeInvalidRefreshInterval(value: unknown): string | undefined {
  if (value === undefined || value === null || parseRefreshIntervalMs(value) !== undefined) return undefined;
  const how = 'write seconds (30), a duration such as "30s", "5m" or "1h", or null for no automatic refresh';
  const ms = parseDurationMs(value);
  if (ms !== undefined) return `"refresh_interval" must be at least ${MIN_REFRESH_SECONDS} second (got ${JSON.stringify(value)}); ${how}.`;
  return `"refresh_interval" is not a valid interval (got ${JSON.stringify(value)}); ${how}.`;
}

/** An interval in words for the toolbar: "every 30 s", "every 5 min". */
export function describeRefreshInterval(ms: number | undefined): string {
  if (ms === undefined) return 'no automatic refresh';
  if (ms % 3_600_000 === 0) return `every ${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `every ${ms / 60_000} min`;
  return `every ${Number((ms / 1_000).toFixed(3))} s`;
}
