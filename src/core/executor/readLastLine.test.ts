import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LastLineTracker } from './LastLineTracker';
import { readLastLine } from './readLastLine';

const dir = mkdtempSync(path.join(tmpdir(), 'dagstream-last-line-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function lastLineOf(content: string | Buffer, start = 0, maxLineBytes?: number) {
  const file = path.join(dir, `${files++}.log`);
  writeFileSync(file, content);
  const fd = openSync(file, 'r');
  try {
    const size = Buffer.byteLength(content);
    return readLastLine(fd, start, size, maxLineBytes);
  } finally {
    closeSync(fd);
  }
}

describe('readLastLine', () => {
  it('finds the last non-blank line, trailing whitespace removed', () => {
    expect(lastLineOf('first\nsecond  \n\n \t\n')).toEqual({ line: 'second', truncated: false });
    expect(lastLineOf('one\r\ntwo\r\n')).toEqual({ line: 'two', truncated: false });
    expect(lastLineOf('  padded last line  ')).toEqual({ line: '  padded last line', truncated: false });
    expect(lastLineOf('no newline at all')).toEqual({ line: 'no newline at all', truncated: false });
  });

  it('finds nothing in empty or blank output', () => {
    expect(lastLineOf('')).toEqual({ line: undefined, truncated: false });
    expect(lastLineOf('\n \r\n\t\n')).toEqual({ line: undefined, truncated: false });
  });

  it('reads only from `start`: what the engine wrote before the output is not output', () => {
    const header = '[2026-11-25T13:00:00.000Z] {dagstream.bash} INFO - Output:\n';
    expect(lastLineOf(`${header}\n\n`, Buffer.byteLength(header))).toEqual({ line: undefined, truncated: false });
    expect(lastLineOf(`${header}partial`, Buffer.byteLength(header))).toEqual({ line: 'partial', truncated: false });
  });

  it('handles lines and blank tails longer than its read chunks', () => {
    const long = 'x'.repeat(300_000);
    expect(lastLineOf(`a\n${long}\n`).line).toBe(long);
    expect(lastLineOf(`a\nlast${' \n'.repeat(100_000)}`).line).toBe('last');
    expect(lastLineOf(`${'y'.repeat(200_000)}\nend`).line).toBe('end');
  });

  it('keeps the beginning of a line longer than the limit', () => {
    expect(lastLineOf(`a\n${'0123456789'.repeat(3)}\n`, 0, 12)).toEqual({ line: '012345678901', truncated: true });
  });

  it('decodes multi-byte characters whole', () => {
    expect(lastLineOf('x\n€uro 😀 ☀\n'.repeat(50_000)).line).toBe('€uro 😀 ☀');
  });

  it('agrees with LastLineTracker on random output', () => {
    const alphabet = ['a', 'b', ' ', '\t', '\n', '\n', '\r', 'é', '\u00a0'];
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: random(40) }, () => alphabet[random(alphabet.length)]).join('');
      const tracker = new LastLineTracker();
      tracker.push(Buffer.from(text));
      expect(lastLineOf(text).line, JSON.stringify(text)).toBe(tracker.finish());
    }
  });
});
