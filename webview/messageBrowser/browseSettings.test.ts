import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, toBrowseRequest } from './browseSettings';

describe('toBrowseRequest', () => {
  it('turns the controls into a request', () => {
    expect(toBrowseRequest({ ...DEFAULT_SETTINGS, partition: '2', text: 'paris', jsonPath: '$.temp > 30' })).toEqual({
      request: { start: { kind: 'earliest' }, partitions: [2], text: 'paris', jsonPath: '$.temp > 30' },
    });
    expect(toBrowseRequest({ ...DEFAULT_SETTINGS, startKind: 'offset', offset: ' 1200 ' })).toMatchObject({
      request: { start: { kind: 'offset', offset: 1200 }, partitions: [] },
    });
    const time = '2026-11-25T12:30:00';
    expect(toBrowseRequest({ ...DEFAULT_SETTINGS, startKind: 'timestamp', time })).toMatchObject({
      request: { start: { kind: 'timestamp', timestamp: new Date(time).getTime() } },
    });
  });

  it('says what is missing instead of sending a bad request', () => {
    expect(toBrowseRequest({ ...DEFAULT_SETTINGS, startKind: 'offset', offset: '-3' })).toEqual({
      error: 'The start offset is a whole number, 0 or more.',
    });
    expect(toBrowseRequest({ ...DEFAULT_SETTINGS, startKind: 'timestamp', time: '' })).toEqual({
      error: 'Choose the date and time to start from.',
    });
  });
});
