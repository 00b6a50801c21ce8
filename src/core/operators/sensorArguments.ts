import type { TaskSpec } from '../dag/dagFile';
import { parseDurationMs } from '../dag/parseDuration';
import { TaskArguments } from './TaskArguments';

/** The arguments every sensor takes, with Airflow's names and defaults (BaseSensorOperator). */
export interface SensorArguments {
  readonly pokeIntervalMs: number;
  readonly timeoutMs: number;
  /** `poke` keeps the slot between checks; `reschedule` gives it back (up_for_reschedule). */
  readonly mode: 'poke' | 'reschedule';
  readonly softFail: boolean;
  readonly exponentialBackoff: boolean;
}

export const DEFAULT_POKE_INTERVAL_MS = 60_000;
export const DEFAULT_SENSOR_TIMEOUT_MS = 7 * 24 * 3_600_000;

export function parseSensorArguments(task: TaskSpec): SensorArguments {
  const args = new TaskArguments(task);
  const duration = (name: string, fallback: number): number => {
    const value = task[name];
    if (value === undefined || value === null) return fallback;
    const ms = parseDurationMs(value);
    if (ms === undefined) throw args.error(name, `must be a duration such as 30, "30s" or "5m", got ${JSON.stringify(value)}`);
    return ms;
  };
  const mode = args.optionalString('mode') ?? 'poke';
  if (mode !== 'poke' && mode !== 'reschedule') throw args.error('mode', `must be "poke" or "reschedule", got ${JSON.stringify(mode)}`);
  return {
    pokeIntervalMs: duration('poke_interval', DEFAULT_POKE_INTERVAL_MS),
    timeoutMs: duration('timeout', DEFAULT_SENSOR_TIMEOUT_MS),
    mode,
    softFail: args.optionalBoolean('soft_fail') ?? false,
    exponentialBackoff: args.optionalBoolean('exponential_backoff') ?? false,
  };
}
