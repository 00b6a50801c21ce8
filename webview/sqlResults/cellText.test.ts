import { describe, expect, it } from 'vitest';
import { cellText, compareCells, rowsAsTsv, sortedOrder } from './cellText';

describe('cellText', () => {
  it('shows NULL, numbers, BLOBs and line breaks as one line of text', () => {
    expect(cellText(null)).toBe('NULL');
    expect(cellText(3.5)).toBe('3.5');
    expect(cellText('a\nb')).toBe('a↵b');
    expect(cellText({ blob: true, bytes: 40, hexPrefix: '00ff' })).toBe("BLOB 40 B x'00ff…'");
    expect(cellText('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('sorting', () => {
  it("orders values as SQLite does: NULL, numbers, text, BLOBs; ties keep the query's order", () => {
    const rows = [['b'], [10], [null], [{ blob: true as const, bytes: 1, hexPrefix: '01' }], [2], ['a'], [2]];
    expect(sortedOrder(rows, 0, 'asc')).toEqual([2, 4, 6, 1, 5, 0, 3]);
    expect(sortedOrder(rows, 0, 'desc')).toEqual([3, 0, 5, 1, 4, 6, 2]);
    expect(compareCells('B', 'a')).toBeLessThan(0);
  });
});

describe('rowsAsTsv', () => {
  it('writes a header and quotes fields with tabs, quotes or line breaks', () => {
    expect(
      rowsAsTsv(
        ['a', 'b'],
        [
          [1, 'x\ty'],
          [null, 'say "hi"'],
        ],
      ),
    ).toBe('a\tb\n1\t"x\ty"\n\t"say ""hi"""');
  });
});
