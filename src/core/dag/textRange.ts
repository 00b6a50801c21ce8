/** A zero-based line/character position, as VS Code and LSP count them. */
export interface TextPosition {
  line: number;
  character: number;
}

/** A span of a text document, by offsets and by positions. */
export interface TextRange {
  offset: number;
  length: number;
  start: TextPosition;
  end: TextPosition;
}

/**
 * Converts offsets of one text into positions. Line starts are computed once so that a file
 * with thousands of problems is still answered in linear time.
 */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 0x0a) this.lineStarts.push(i + 1);
      else if (code === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        this.lineStarts.push(i + 1);
      }
    }
  }

  positionAt(offset: number): TextPosition {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - (this.lineStarts[low] ?? 0) };
  }

  rangeAt(offset: number, length: number): TextRange {
    return { offset, length, start: this.positionAt(offset), end: this.positionAt(offset + length) };
  }
}
