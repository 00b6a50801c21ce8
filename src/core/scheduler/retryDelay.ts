import { createHash } from 'node:crypto';

/** What Airflow needs to compute when a failed try may run again. */
export interface RetryPolicy {
  retryDelayMs: number;
  retryExponentialBackoff: boolean;
  maxRetryDelayMs: number | undefined;
}

/**
 * Delay before the next try after try `tryNumber` failed, as Airflow 2's
 * `TaskInstance.next_retry_datetime`: a fixed `retry_delay`, or with exponential backoff
 * `retry_delay * 2^(tryNumber-1)` seconds (at least 1 s) plus a deterministic jitter of up to the
 * same amount again (a SHA-1 of the task instance, so retries of many tasks do not stampede),
 * capped by `max_retry_delay`.
 */
export function retryDelayMs(policy: RetryPolicy, ti: { dagId: string; taskId: string; logicalDate: string; tryNumber: number }): number {
  let delayMs = policy.retryDelayMs;
  if (policy.retryExponentialBackoff) {
    const minBackoffS = Math.max(1, Math.ceil((policy.retryDelayMs / 1000) * 2 ** (ti.tryNumber - 1)));
    const digest = createHash('sha1')
      .update(`${ti.dagId}#${ti.taskId}#${ti.logicalDate}#${ti.tryNumber + 1}`)
      .digest('hex');
    // Only the hash modulo min_backoff matters; BigInt keeps all 160 bits as Airflow's int() does.
    const jitterS = Number(BigInt(`0x${digest}`) % BigInt(minBackoffS));
    delayMs = (minBackoffS + jitterS) * 1000;
  }
  if (policy.maxRetryDelayMs !== undefined) delayMs = Math.min(delayMs, policy.maxRetryDelayMs);
  return delayMs;
}
