import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { LastLineTracker } from './LastLineTracker';

function track(chunks: (string | Buffer)[], maxLineBytes?: number): LastLineTracker {
  const tracker = new LastLineTracker(maxLineBytes);
  for (const chunk of chunks) tracker.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return tracker;
}

describe('LastLineTracker', () => {
  it('returns the last non-blank line, with trailing whitespace removed', () => {
    expect(track(['a\nb\n']).finish()).toBe('b');
    expect(track(['a\nb  \r\n\n   \n\t\n']).finish()).toBe('b');
    expect(track(['a\nunterminated']).finish()).toBe('unterminated');
    expect(track(['only blanks\n', '\n \n']).finish()).toBe('only blanks');
    expect(track([]).finish()).toBeUndefined();
    expect(track(['\n\n']).finish()).toBeUndefined();
  });

  it('joins a line split across chunks, including a multi-byte character split in two', () => {
    const bytes = Buffer.from('first\nLisboa é quente\n');
    const split = bytes.indexOf(Buffer.from('é')) + 1;
    expect(track([bytes.subarray(0, split), bytes.subarray(split)]).finish()).toBe('Lisboa é quente');
    expect(track(['par', 'tial', ' line\n', '\n']).finish()).toBe('partial line');
    expect(track(['x\nstart ', 'middle ', 'end']).finish()).toBe('start middle end');
  });

  it('keeps only the beginning of an overlong line and says so', () => {
    const tracker = track(['x'.repeat(10), 'y'.repeat(10), '\n'], 16);
    expect(tracker.finish()).toBe(`${'x'.repeat(10)}${'y'.repeat(6)}`);
    expect(tracker.truncated).toBe(true);
    const normal = track(['short\n'], 16);
    expect(normal.finish()).toBe('short');
    expect(normal.truncated).toBe(false);
  });
});
