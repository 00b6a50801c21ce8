import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeInvalidDuration, DURATION_PATTERN, parseDurationMs } from './parseDuration';

describe('parseDurationMs', () => {
  it.each([
    [0, 0],
    [90, 90_000],
    [1.5, 1_500],
    ['90', 90_000],
    ['0.5', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    [' 2d ', 172_800_000],
    ['1w', 604_800_000],
    ['250ms', 250],
    ['1m30s500ms', 90_500],
    ['1.5h', 5_400_000],
    ['1 h', 3_600_000],
  ])('reads %j as %d ms', (value, ms) => {
    expect(parseDurationMs(value)).toBe(ms);
  });

  it.each([
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    ' ',
    '-5s',
    '5x',
    '5 minutes',
    '30m1h',
    '1h1h',
    'PT30S',
    '{{ params.t }}',
    '1e3',
    's',
    null,
    true,
    [],
    {},
    undefined,
  ])('rejects %j', (value) => {
    expect(parseDurationMs(value)).toBeUndefined();
  });
});

describe('describeInvalidDuration', () => {
  it('returns undefined for valid durations', () => {
    expect(describeInvalidDuration('5m')).toBeUndefined();
    expect(describeInvalidDuration(0)).toBeUndefined();
  });

  it.each([
    [-1, 'cannot be negative'],
    ['-5s', 'cannot be negative'],
    ['5x', 'Unknown unit "x"'],
    ['5 minutes', 'Spell units with one letter'],
    ['30m1h', 'from the largest to the smallest'],
    ['1h1h', 'from the largest to the smallest'],
    ['1h30', 'has no unit'],
    ['PT30S', 'ISO 8601'],
    ['{{ params.t }}', 'not templated'],
    ['', 'empty'],
    [true, 'not a boolean'],
    [[30], 'not an array'],
  ])('explains %j (%s) and says how to write one', (value, reason) => {
    const message = describeInvalidDuration(value);
    expect(message).toContain(reason);
    if (typeof value !== 'string' || !/^\d/.test(value)) expect(message).toMatch(/"30s", "5m", "1h30m"|e\.g\. "1h30m"/);
  });
});

describe('DURATION_PATTERN', () => {
  it('accepts exactly the strings parseDurationMs reads, so the editor agrees with the CLI', () => {
    const pattern = new RegExp(DURATION_PATTERN, 'u');
    const part = fc.oneof(fc.constantFrom('1', '30', '0.5', '12', ' '), fc.constantFrom('w', 'd', 'h', 'm', 's', 'ms', ' ', 'x', '.', '-'));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const text = parts.join('');
        expect(pattern.test(text)).toBe(parseDurationMs(text) !== undefined);
      }),
      { numRuns: 3000 },
    );
  });
});
