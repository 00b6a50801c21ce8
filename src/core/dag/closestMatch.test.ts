import { describe, expect, it } from 'vitest';
import { closestMatch } from './closestMatch';

describe('closestMatch', () => {
  const keys = ['bash_command', 'retries', 'retry_delay', 'upstream', 'sql', 'kafka.produce', 'pool'];

  it.each([
    ['bash_comand', 'bash_command'],
    ['retires', 'retries'],
    ['retry-delay', 'retry_delay'],
    ['Upstream', 'upstream'],
    ['kafka_produce', 'kafka.produce'],
    ['sqll', 'sql'],
  ])('suggests %j for %j', (word, expected) => {
    expect(closestMatch(word, keys)).toBe(expected);
  });

  it('takes a tighter limit when asked', () => {
    expect(closestMatch('FETCH', ['GET', 'PATCH'])).toBe('PATCH');
    expect(closestMatch('FETCH', ['GET', 'PATCH'], 1)).toBeUndefined();
  });

  it.each(['owner', 'email', 'depends_on_past', 'sla', 'xyz'])('stays quiet for %j, which is no likely typo', (word) => {
    expect(closestMatch(word, keys)).toBeUndefined();
  });
});
