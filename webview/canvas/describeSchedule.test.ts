import { describe, expect, it } from 'vitest';
import { describeSchedule } from './describeSchedule';

describe('describeSchedule', () => {
  it('describes cron expressions and presets in words, in UTC', () => {
    expect(describeSchedule('0 6 * * *')).toEqual({ valid: true, text: 'At 06:00 (UTC)' });
    expect(describeSchedule('*/15 * * * *').text).toBe('Every 15 minutes (UTC)');
    expect(describeSchedule('@daily').text).toBe('At 00:00 (UTC)');
    expect(describeSchedule('@once').text).toMatch(/^Once/);
    expect(describeSchedule(null).text).toMatch(/triggered by hand/);
  });

  it('explains what it cannot read', () => {
    expect(describeSchedule('every day')).toMatchObject({ valid: false });
    expect(describeSchedule('@sometimes').text).toMatch(/Unknown preset/);
    expect(describeSchedule('0 6 * * * *').text).toMatch(/five fields/);
    expect(describeSchedule('99 6 * * *').valid).toBe(false);
  });
});
