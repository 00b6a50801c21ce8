/** A replacement of `length` characters at `offset` of a text by `newText`. */
export interface TextReplacement {
  offset: number;
  length: number;
  newText: string;
}

/** A changed span of the original text, `[start, end)`, and what now stands there. */
interface Hunk {
  start: number;
  end: number;
  text: string;
}

/**
 * Records edits made one after the other on an evolving text and gives them back as replacements
 * of the *original* text: disjoint, in order, each trimmed to the characters that really changed.
 * A gesture's edits are computed step by step (each on the text the previous one left), but VS Code
 * wants one WorkspaceEdit against the document as it is; this gives it the smallest one, so that
 * undo is one step and nothing outside the changed characters moves.
 */
export class TextEditLog {
  private hunks: Hunk[] = [];

  constructor(private readonly original: string) {}

  /**
   * Records replacing `length` characters at `offset` of the current text (the original with
   * everything recorded so far applied) by `content`. Needs no copy of the current text: outside
   * the hunks it is the original, which is what lets a batch of disjoint edits be recorded from the
   * last to the first without rebuilding the text in between.
   */
  record(offset: number, length: number, content: string): void {
    let delta = 0;
    let firstTouched = -1;
    let lastTouched = -1;
    let deltaBeforeFirst = 0;
    for (let i = 0; i < this.hunks.length; i++) {
      const hunk = this.hunks[i]!;
      const start = hunk.start + delta;
      const end = start + hunk.text.length;
      if (end < offset) {
        delta += hunk.text.length - (hunk.end - hunk.start);
        continue;
      }
      if (start > offset + length) break;
      if (firstTouched < 0) {
        firstTouched = i;
        deltaBeforeFirst = delta;
      }
      lastTouched = i;
      delta += hunk.text.length - (hunk.end - hunk.start);
    }
    if (firstTouched < 0) {
      const start = offset - delta;
      const index = this.hunks.findIndex((h) => h.start > start);
      const hunk = { start, end: start + length, text: content };
      if (index < 0) this.hunks.push(hunk);
      else this.hunks.splice(index, 0, hunk);
      return;
    }
    const touched = this.hunks.slice(firstTouched, lastTouched + 1);
    const first = touched[0]!;
    const last = touched[touched.length - 1]!;
    // The current text of the touched region: the hunks' texts with the original between them.
    let region = '';
    touched.forEach((hunk, i) => {
      if (i > 0) region += this.original.slice(touched[i - 1]!.end, hunk.start);
      region += hunk.text;
    });
    const regionStart = first.start + deltaBeforeFirst;
    // Widen it to the edit, with original text on either side, then apply the edit inside it.
    const start = Math.min(first.start, offset - deltaBeforeFirst);
    const end = Math.max(last.end, offset + length - delta);
    const widened = this.original.slice(start, first.start) + region + this.original.slice(last.end, end);
    const widenedStart = Math.min(regionStart, offset);
    const text = widened.slice(0, offset - widenedStart) + content + widened.slice(offset + length - widenedStart);
    this.hunks.splice(firstTouched, touched.length, { start, end, text });
  }

  /** The recorded edits as replacements of the original text, trimmed of unchanged characters. */
  replacements(): TextReplacement[] {
    const result: TextReplacement[] = [];
    for (const hunk of this.hunks) {
      const before = this.original.slice(hunk.start, hunk.end);
      const trimmed = trimCommon(before, hunk.text);
      if (trimmed) result.push({ offset: hunk.start + trimmed.offset, length: trimmed.length, newText: trimmed.newText });
    }
    return result;
  }
}

/** Applies disjoint replacements of `text` (in any order). */
export function applyReplacements(text: string, replacements: readonly TextReplacement[]): string {
  let result = text;
  for (const r of [...replacements].sort((a, b) => b.offset - a.offset))
    result = result.slice(0, r.offset) + r.newText + result.slice(r.offset + r.length);
  return result;
}

/** The part of `before` -> `after` between their common prefix and suffix; undefined when equal. */
function trimCommon(before: string, after: string): TextReplacement | undefined {
  if (before === after) return undefined;
  const limit = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < limit && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  // Never split a surrogate pair or a CRLF.
  if (prefix > 0 && isInsidePair(before, prefix)) prefix--;
  let suffix = 0;
  while (suffix < limit - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  if (suffix > 0 && isInsidePair(before, before.length - suffix)) suffix--;
  return { offset: prefix, length: before.length - prefix - suffix, newText: after.slice(prefix, after.length - suffix) };
}

function isInsidePair(text: string, index: number): boolean {
  const previous = text.charCodeAt(index - 1);
  const next = text.charCodeAt(index);
  return (previous >= 0xd800 && previous <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) || (previous === 0x0d && next === 0x0a);
}
