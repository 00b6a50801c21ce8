import { describe, expect, it } from 'vitest';
import { formatDuration } from './formatDuration';

describe('formatDuration', () => {
  it('reads like the durations users write', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(5000)).toBe('5s');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(1234)).toBe('1.23s');
    expect(formatDuration(42_500)).toBe('42.5s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });
});
