import { readSync } from 'node:fs';

/** A line longer than this keeps only its beginning, as LastLineTracker does. */
export const MAX_LAST_LINE_BYTES = 8 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

export interface LastLine {
  /** The last non-blank line, trailing whitespace (including `\r`) removed; undefined when there is none. */
  line: string | undefined;
  /** True when the line was longer than the limit and only its beginning was kept. */
  truncated: boolean;
}

/**
 * The last non-blank line of the bytes [start, end) of an open file, found by reading backwards
 * from the end: a task can print gigabytes, and only the end matters. The same rules as
 * LastLineTracker (which does this for a stream): lines end at `\n`, a blank line holds only
 * ASCII whitespace, an unterminated final line counts, bytes are decoded only for the line kept.
 */
export function readLastLine(fd: number, start: number, end: number, maxLineBytes = MAX_LAST_LINE_BYTES): LastLine {
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, end - start)));
  // 1) The last byte that is not whitespace ends the line.
  let contentEnd = -1;
  let lineStart = -1;
  let to = end;
  while (to > start && contentEnd < 0) {
    const from = Math.max(start, to - chunk.length);
    const bytes = readAt(fd, chunk, from, to);
    for (let i = bytes.length - 1; i >= 0; i--) {
      if (!isSpace(bytes[i]!)) {
        contentEnd = from + i + 1;
        // Often the newline before it is in the same chunk.
        const newline = bytes.lastIndexOf(0x0a, i);
        if (newline !== -1) lineStart = from + newline + 1;
        break;
      }
    }
    to = from;
  }
  if (contentEnd < 0) return { line: undefined, truncated: false };
  // 2) Otherwise, the newline before it, further back; the start of the range if there is none.
  while (lineStart < 0) {
    if (to <= start) {
      lineStart = start;
      break;
    }
    const from = Math.max(start, to - chunk.length);
    const newline = readAt(fd, chunk, from, to).lastIndexOf(0x0a);
    if (newline !== -1) lineStart = from + newline + 1;
    to = from;
  }
  // 3) The line itself, or its beginning when it is too long to keep.
  const length = contentEnd - lineStart;
  const kept = Buffer.allocUnsafe(Math.min(length, maxLineBytes));
  const bytes = readAt(fd, kept, lineStart, lineStart + kept.length);
  return { line: bytes.toString('utf8').trimEnd(), truncated: length > maxLineBytes };
}

/** Reads [from, to) into the start of `buffer`; fewer bytes only if the file is shorter. */
function readAt(fd: number, buffer: Buffer, from: number, to: number): Buffer {
  let read = 0;
  while (read < to - from) {
    const n = readSync(fd, buffer, read, to - from - read, from + read);
    if (n === 0) break;
    read += n;
  }
  return buffer.subarray(0, read);
}

/** space, \t, \n, \v, \f, \r */
function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}
