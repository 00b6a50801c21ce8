import { describe, expect, it } from 'vitest';
import { AirflowDateTime } from './AirflowDateTime';

describe('AirflowDateTime', () => {
  const at = new AirflowDateTime(new Date('2026-11-25T13:49:07.375Z'));

  it('prints as Python prints an aware datetime', () => {
    expect(String(at)).toBe('2026-11-25 13:49:07.375000+00:00');
    expect(at.isoformat()).toBe('2026-11-25T13:49:07.375000+00:00');
    expect(String(new AirflowDateTime(new Date('2026-11-25T00:00:00Z')))).toBe('2026-11-25 00:00:00+00:00');
    expect(JSON.stringify({ at })).toBe('{"at":"2026-11-25T13:49:07.375000+00:00"}');
  });

  it('formats with strftime directives', () => {
    expect(at.strftime('%Y%m%d %H:%M:%S %a %B %j %%')).toBe('20261125 13:49:07 Wed November 329 %');
    expect(at.strftime('%I %p')).toBe('01 PM');
  });
});
