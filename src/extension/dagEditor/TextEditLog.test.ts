import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyReplacements, TextEditLog } from './TextEditLog';

describe('TextEditLog', () => {
  it('keeps separate edits separate, in original coordinates', () => {
    const original = 'aaaa bbbb cccc';
    const log = new TextEditLog(original);
    let text = original;
    const edit = (offset: number, length: number, content: string): void => {
      log.record(offset, length, content);
      text = text.slice(0, offset) + content + text.slice(offset + length);
    };
    edit(10, 4, 'CCCCCC'); // aaaa bbbb CCCCCC
    edit(0, 4, 'A'); // A bbbb CCCCCC
    expect(text).toBe('A bbbb CCCCCC');
    expect(log.replacements()).toEqual([
      { offset: 0, length: 4, newText: 'A' },
      { offset: 10, length: 4, newText: 'CCCCCC' },
    ]);
  });

  it('merges edits that touch and trims what did not change', () => {
    const original = '[1, 2, 3]';
    const log = new TextEditLog(original);
    let text = original;
    const edit = (offset: number, length: number, content: string): void => {
      log.record(offset, length, content);
      text = text.slice(0, offset) + content + text.slice(offset + length);
    };
    edit(4, 1, '20'); // [1, 20, 3]
    edit(4, 2, '2'); // [1, 2, 3]  (back to the original)
    expect(text).toBe(original);
    expect(log.replacements()).toEqual([]);
  });

  it('composes any sequence of edits into replacements that rebuild the final text', () => {
    const editArb = fc.record({ at: fc.nat(), length: fc.nat({ max: 6 }), content: fc.string({ maxLength: 5 }) });
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.array(editArb, { maxLength: 12 }), (original, edits) => {
        const log = new TextEditLog(original);
        let text = original;
        for (const { at, length, content } of edits) {
          const offset = text.length === 0 ? 0 : at % (text.length + 1);
          const span = Math.min(length, text.length - offset);
          log.record(offset, span, content);
          text = text.slice(0, offset) + content + text.slice(offset + span);
        }
        const replacements = log.replacements();
        expect(applyReplacements(original, replacements)).toBe(text);
        for (let i = 1; i < replacements.length; i++) {
          const previous = replacements[i - 1]!;
          expect(replacements[i]!.offset).toBeGreaterThanOrEqual(previous.offset + previous.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
