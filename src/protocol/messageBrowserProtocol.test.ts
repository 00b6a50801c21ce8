import { describe, expect, it } from 'vitest';
import { isMessageBrowserCommand, isMessageBrowserNotification } from './messageBrowserProtocol';

describe('message browser protocol guards', () => {
  it('accepts well-formed commands', () => {
    expect(isMessageBrowserCommand({ type: 'messageBrowser/ready' })).toBe(true);
    expect(
      isMessageBrowserCommand({
        type: 'messageBrowser/browse',
        browseId: 3,
        request: { start: { kind: 'timestamp', timestamp: 1_700_000_000_000 }, partitions: [0, 2], text: '', jsonPath: '$.a' },
      }),
    ).toBe(true);
    expect(isMessageBrowserCommand({ type: 'messageBrowser/setPaused', browseId: 3, paused: true })).toBe(true);
    expect(isMessageBrowserCommand({ type: 'messageBrowser/getMessage', requestId: 1, partition: 0, offset: 42 })).toBe(true);
  });

  it('rejects what a webview should never send', () => {
    const request = { start: { kind: 'earliest' }, partitions: [], text: '', jsonPath: '' };
    expect(
      isMessageBrowserCommand({
        type: 'messageBrowser/browse',
        browseId: 1,
        request: { ...request, start: { kind: 'offset', offset: -1 } },
      }),
    ).toBe(false);
    expect(isMessageBrowserCommand({ type: 'messageBrowser/browse', browseId: 1, request: { ...request, start: { kind: 'soon' } } })).toBe(
      false,
    );
    expect(isMessageBrowserCommand({ type: 'messageBrowser/browse', browseId: 1, request: { ...request, partitions: ['0'] } })).toBe(false);
    expect(isMessageBrowserCommand({ type: 'messageBrowser/getMessage', requestId: 1, partition: 0, offset: 1.5 })).toBe(false);
    expect(isMessageBrowserCommand({ type: 'canvas/ready' })).toBe(false);
    expect(isMessageBrowserCommand(null)).toBe(false);
  });

  it('recognises the host notifications', () => {
    expect(isMessageBrowserNotification({ type: 'messageBrowser/didFail', browseId: null, message: 'x' })).toBe(true);
    expect(isMessageBrowserNotification({ type: 'messageBrowser/unknown' })).toBe(false);
  });
});
