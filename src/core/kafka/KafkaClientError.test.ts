import { describe, expect, it, vi } from 'vitest';
import { KafkaClientError } from './KafkaClientError';

describe('KafkaClientError', () => {
  it('is instanceof across copies of the class (the extension and its lazily loaded services bundle each have one)', async () => {
    vi.resetModules();
    const other = await import('./KafkaClientError');
    expect(other.KafkaClientError).not.toBe(KafkaClientError);
    const fromOtherCopy = new other.KafkaClientError('configuration', 'No Kafka cluster named "x".', 'x', undefined);
    expect(fromOtherCopy instanceof KafkaClientError).toBe(true);
    expect(new KafkaClientError('closed', 'closed', 'x', undefined) instanceof other.KafkaClientError).toBe(true);
    expect(fromOtherCopy).toBeInstanceOf(Error);
  });

  it('is not instanceof for other errors or look-alikes', () => {
    expect(new Error('x') instanceof KafkaClientError).toBe(false);
    expect(Object.assign(new Error('x'), { name: 'KafkaClientError', code: 'failed' }) instanceof KafkaClientError).toBe(false);
    const primitives: unknown[] = [null, undefined, 'KafkaClientError', 42];
    for (const value of primitives) expect(value instanceof KafkaClientError).toBe(false);
  });
});
