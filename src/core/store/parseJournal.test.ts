import { describe, expect, it } from 'vitest';
import { parseJournal } from './parseJournal';

const line = (s: number, taskId = 't'): string => `${JSON.stringify({ s, m: 'clearXComs', a: ['d', 'r', taskId] })}\n`;

describe('parseJournal', () => {
  it('reads complete entries and skips blank lines', () => {
    const parsed = parseJournal(Buffer.from(`${line(1)}\n${line(2)}`));
    expect(parsed.entries.map((e) => e.s)).toEqual([1, 2]);
    expect(parsed.consumed).toBe(Buffer.byteLength(`${line(1)}\n${line(2)}`));
    expect(parsed.torn).toBeUndefined();
    expect(parsed.corrupt).toBeUndefined();
    expect(parsed.missingNewline).toBe(false);
  });

  it('counts bytes, not characters, so that offsets work with non-ASCII text', () => {
    const text = line(1, 'ünïcödé') + line(2);
    const parsed = parseJournal(Buffer.from(text));
    expect(parsed.consumed).toBe(Buffer.byteLength(text));
    expect(parsed.entries[0]).toEqual({ s: 1, m: 'clearXComs', a: ['d', 'r', 'ünïcödé'] });
  });

  it('reports a cut-off last line as torn and stops before it', () => {
    const good = line(1);
    const parsed = parseJournal(Buffer.from(`${good}{"s":2,"m":"clearX`));
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.consumed).toBe(good.length);
    expect(parsed.torn).toEqual({ line: 2, offset: good.length, length: 18 });
  });

  it('treats zero bytes after the last entry (a power cut) as torn too', () => {
    const parsed = parseJournal(Buffer.concat([Buffer.from(line(1)), Buffer.alloc(64)]));
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.torn?.line).toBe(2);
  });

  it('accepts a complete last entry whose newline is missing', () => {
    const parsed = parseJournal(Buffer.from(line(1) + line(2).trimEnd()));
    expect(parsed.entries.map((e) => e.s)).toEqual([1, 2]);
    expect(parsed.missingNewline).toBe(true);
  });

  it('reports damage followed by valid entries as corrupt, with the reason', () => {
    const parsed = parseJournal(Buffer.from(`${line(1)}{"s":2,"m":"dropTable","a":[]}\n${line(3)}`));
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.corrupt).toMatchObject({ line: 2, reason: 'unknown method "dropTable"' });
    expect(parseJournal(Buffer.from(`{"m":"clearXComs","a":[]}\n${line(2)}`)).corrupt?.reason).toBe('no entry number "s"');
    expect(parseJournal(Buffer.from(`[1]\n${line(2)}`)).corrupt?.reason).toBe('no entry number "s"');
    expect(parseJournal(Buffer.from(`{"s":1,"m":"clearXComs"}\n${line(2)}`)).corrupt?.reason).toBe('no argument list "a"');
  });

  it('numbers lines from firstLine when parsing a tail', () => {
    expect(parseJournal(Buffer.from(`${line(5)}{`), 40).torn?.line).toBe(41);
  });
});
