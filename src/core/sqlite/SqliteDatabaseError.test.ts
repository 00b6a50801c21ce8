import { describe, expect, it, vi } from 'vitest';
import { SqliteDatabaseError } from './SqliteDatabaseError';

describe('SqliteDatabaseError', () => {
  it('is instanceof across copies of the class (the extension and its lazily loaded services bundle each have one)', async () => {
    vi.resetModules();
    const other = await import('./SqliteDatabaseError');
    expect(other.SqliteDatabaseError).not.toBe(SqliteDatabaseError);
    const fromOtherCopy = new other.SqliteDatabaseError({ kind: 'sql', message: 'no such table: t', file: '/tmp/a.db' });
    expect(fromOtherCopy instanceof SqliteDatabaseError).toBe(true);
    expect(SqliteDatabaseError.serialize(fromOtherCopy, '/tmp/a.db')).toEqual({
      kind: 'sql',
      message: 'no such table: t',
      file: '/tmp/a.db',
    });
  });

  it('is not instanceof for other errors or look-alikes', () => {
    expect(new Error('x') instanceof SqliteDatabaseError).toBe(false);
    expect(Object.assign(new Error('x'), { name: 'SqliteDatabaseError', kind: 'sql' }) instanceof SqliteDatabaseError).toBe(false);
    const primitives: unknown[] = [null, undefined, 'SqliteDatabaseError'];
    for (const value of primitives) expect(value instanceof SqliteDatabaseError).toBe(false);
  });
});
