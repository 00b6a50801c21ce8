import { describeJsonType } from './describeJsonType';

/**
 * Durations in a DAG file (`retry_delay`, `execution_timeout`, an HTTP `timeout`, a sensor's
 * `poke_interval`...) are seconds, as Airflow's numeric arguments are, or strings such as
 * `"30s"`, `"5m"`, `"1h30m"`, `"1h 30m"`, `"2d"`, `"250ms"`, `"90"` (seconds).
 *
 * Units go from the largest to the smallest, each at most once, so that a string has one
 * reading. The same grammar is written into `schemas/dag.schema.json` as DURATION_PATTERN (a
 * test keeps the two in step), so the editor's text-mode validation agrees with the CLI.
 */

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const UNITS = [
  { unit: 'w', ms: 7 * 24 * 3_600_000 },
  { unit: 'd', ms: 24 * 3_600_000 },
  { unit: 'h', ms: 3_600_000 },
  // `m(?!s)` so that "250ms" is milliseconds, not 250 minutes followed by a stray "s".
  { unit: 'm(?!s)', ms: 60_000 },
  { unit: 's', ms: 1_000 },
  { unit: 'ms', ms: 1 },
] as const;

/** The duration grammar as an ECMAScript pattern, as it appears in the JSON Schema. */
export const DURATION_PATTERN =
  String.raw`^\s*(?:${NUMBER}|(?=\d)` + UNITS.map(({ unit }) => String.raw`(?:${NUMBER}\s*${unit}\s*)?`).join('') + String.raw`)\s*$`;

const DURATION_REGEX = new RegExp(DURATION_PATTERN);
const BARE_SECONDS = new RegExp(String.raw`^\s*(${NUMBER})\s*$`);
const UNIT_PARTS = new RegExp(String.raw`(${NUMBER})\s*(ms|w|d|h|m|s)`, 'g');
const MS_PER_UNIT: Readonly<Record<string, number>> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/**
 * Reads a duration and returns it in milliseconds, or undefined when `value` is not a valid
 * duration (use {@link describeInvalidDuration} to say why).
 */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1_000 : undefined;
  if (typeof value !== 'string' || !DURATION_REGEX.test(value)) return undefined;
  const bare = BARE_SECONDS.exec(value);
  if (bare) return Number(bare[1]) * 1_000;
  let total = 0;
  for (const match of value.matchAll(UNIT_PARTS)) total += Number(match[1]) * (MS_PER_UNIT[match[2] ?? ''] ?? 0);
  return Number.isFinite(total) ? total : undefined;
}

/** Says what is wrong with a duration and how to write it, or undefined when it is valid. */
export function describeInvalidDuration(value: unknown): string | undefined {
  if (parseDurationMs(value) !== undefined) return undefined;
  const examples = 'use seconds (a number such as 90) or a string such as "30s", "5m", "1h30m", "2d" or "250ms"';
  if (typeof value === 'number') {
    return value < 0
      ? `A duration cannot be negative (got ${value}); ${examples}.`
      : `${value} is not a finite number of seconds; ${examples}.`;
  }
  if (typeof value !== 'string') return `A duration must be a number of seconds or a string, not ${describeJsonType(value)}; ${examples}.`;
  const text = value.trim();
  if (text === '') return `The duration is empty; ${examples}.`;
  if (text.includes('{{')) return `Durations are not templated (got ${JSON.stringify(value)}); ${examples}.`;
  if (text.startsWith('-')) return `A duration cannot be negative (got ${JSON.stringify(value)}); ${examples}.`;
  if (/^P/i.test(text)) return `ISO 8601 durations such as ${JSON.stringify(value)} are not supported; ${examples}.`;
  const words = /\d\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\b/i.exec(text);
  if (words) return `Spell units with one letter: ${JSON.stringify(value)} uses "${words[1]}"; ${examples}.`;
  const units = [...text.matchAll(/[a-z]+/gi)].map((m) => m[0]);
  const unknown = units.find((unit) => !(unit in MS_PER_UNIT));
  if (unknown !== undefined)
    return `Unknown unit "${unknown}" in duration ${JSON.stringify(value)}: units are ms, s, m, h, d and w; ${examples}.`;
  if (new Set(units).size !== units.length || !isDescending(units)) {
    return `Units of duration ${JSON.stringify(value)} must go from the largest to the smallest, each once (e.g. "1h30m", not "30m1h").`;
  }
  if (/[a-z]\s*\d+(?:\.\d+)?$/i.test(text))
    return `The last number of ${JSON.stringify(value)} has no unit: give every number one (e.g. "1h30m", not "1h30").`;
  return `${JSON.stringify(value)} is not a duration; ${examples}.`;
}

function isDescending(units: readonly string[]): boolean {
  const order = ['w', 'd', 'h', 'm', 's', 'ms'];
  return units.every((unit, i) => i === 0 || order.indexOf(unit) > order.indexOf(units[i - 1] ?? ''));
}
