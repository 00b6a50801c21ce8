import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retryDelay';

const ti = (tryNumber: number) => ({ dagId: 'd', taskId: 't', logicalDate: '2026-11-25T00:00:00+00:00', tryNumber });

describe('retryDelayMs', () => {
  it('waits retry_delay between tries without backoff', () => {
    const policy = { retryDelayMs: 30_000, retryExponentialBackoff: false, maxRetryDelayMs: undefined };
    expect([1, 2, 5].map((n) => retryDelayMs(policy, ti(n)))).toEqual([30_000, 30_000, 30_000]);
  });

  it('doubles with exponential backoff, within [base*2^(n-1), 2*base*2^(n-1))', () => {
    const policy = { retryDelayMs: 10_000, retryExponentialBackoff: true, maxRetryDelayMs: undefined };
    for (const n of [1, 2, 3, 4]) {
      const delay = retryDelayMs(policy, ti(n));
      const floor = 10_000 * 2 ** (n - 1);
      expect(delay).toBeGreaterThanOrEqual(floor);
      expect(delay).toBeLessThan(2 * floor);
      expect(delay % 1000).toBe(0);
    }
    // Deterministic per task instance, so a restart computes the same retry time.
    expect(retryDelayMs(policy, ti(3))).toBe(retryDelayMs(policy, ti(3)));
  });

  it('caps the delay at max_retry_delay', () => {
    const policy = { retryDelayMs: 60_000, retryExponentialBackoff: true, maxRetryDelayMs: 90_000 };
    expect(retryDelayMs(policy, ti(6))).toBe(90_000);
  });

  it('waits at least one second with backoff even for a zero delay', () => {
    const policy = { retryDelayMs: 0, retryExponentialBackoff: true, maxRetryDelayMs: undefined };
    expect(retryDelayMs(policy, ti(1))).toBe(1000);
  });
});
