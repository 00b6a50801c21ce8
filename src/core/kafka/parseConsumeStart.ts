import { parseDagDate } from '../dag/parseDagDate';
import type { ConsumeStart } from './KafkaClient';

/**
 * Reads where to start consuming, as users write it on the command line and in DAG files:
 * `earliest` (also `beginning`, kcat's word), `latest` (also `end`), an offset (`1200`, or a
 * number), or a date-time (`2026-11-01T06:00:00Z`; without an offset it is UTC, like the DAG
 * file's dates). Returns an error sentence instead of throwing, so that each caller can name the
 * option or the argument it came from.
 */
export function parseConsumeStart(value: unknown): { start: ConsumeStart } | { error: string } {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0
      ? { start: { offset: value } }
      : { error: `${value} is not an offset (a whole number, 0 or more)` };
  }
  if (typeof value !== 'string') return { error: `expected "earliest", "latest", an offset or a date-time, got ${JSON.stringify(value)}` };
  const text = value.trim().toLowerCase();
  if (text === 'earliest' || text === 'beginning') return { start: 'earliest' };
  if (text === 'latest' || text === 'end') return { start: 'latest' };
  if (/^\d+$/.test(text)) {
    const offset = Number(text);
    return Number.isSafeInteger(offset) ? { start: { offset } } : { error: `${value} is too large to be an offset` };
  }
  const date = parseDagDate(value.trim());
  if (date) return { start: { timestamp: date.getTime() } };
  return {
    error: `"${value}" is not a start position: write earliest, latest, an offset such as 1200, or a date-time such as 2026-11-01T06:00:00Z`,
  };
}

/** How a start reads in messages: `earliest`, `offset 1200`, `2026-11-01T06:00:00.000Z`. */
export function describeConsumeStart(start: ConsumeStart): string {
  if (typeof start === 'string') return start;
  return 'offset' in start ? `offset ${start.offset}` : new Date(start.timestamp).toISOString();
}
