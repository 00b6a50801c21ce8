import type { BrowseRequestDto, BrowseStartDto } from '../../src/protocol/messageBrowserProtocol';

/** The controls as the user left them: text as typed, turned into a request on Apply. */
export interface BrowseSettings {
  startKind: BrowseStartDto['kind'];
  /** The offset, for `offset`. */
  offset: string;
  /** `YYYY-MM-DDTHH:mm[:ss]` in local time (a datetime-local input), for `timestamp`. */
  time: string;
  /** '' for all partitions, else one partition number. */
  partition: string;
  text: string;
  jsonPath: string;
}

export const DEFAULT_SETTINGS: BrowseSettings = {
  startKind: 'earliest',
  offset: '0',
  time: '',
  partition: '',
  text: '',
  jsonPath: '',
};

/** The request for the host, or why the settings do not make one. */
export function toBrowseRequest(settings: BrowseSettings): { request: BrowseRequestDto } | { error: string } {
  let start: BrowseStartDto;
  switch (settings.startKind) {
    case 'offset': {
      if (!/^\s*\d+\s*$/.test(settings.offset)) return { error: 'The start offset is a whole number, 0 or more.' };
      start = { kind: 'offset', offset: Number(settings.offset) };
      break;
    }
    case 'timestamp': {
      const time = new Date(settings.time).getTime();
      if (!settings.time || !Number.isFinite(time) || time < 0) return { error: 'Choose the date and time to start from.' };
      start = { kind: 'timestamp', timestamp: time };
      break;
    }
    default:
      start = { kind: settings.startKind };
  }
  return {
    request: {
      start,
      partitions: settings.partition === '' ? [] : [Number(settings.partition)],
      text: settings.text,
      jsonPath: settings.jsonPath,
    },
  };
}
