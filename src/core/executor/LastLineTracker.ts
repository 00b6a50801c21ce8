import { Buffer } from 'node:buffer';

/** A line longer than this keeps only its beginning; bounds memory whatever a task prints. */
const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

/**
 * Remembers the last non-blank line of a byte stream without keeping the stream: tasks can print
 * gigabytes. Works on bytes and decodes only the line it keeps, so a multi-byte character split
 * across chunks is never mangled. Trailing whitespace (including `\r`) is removed, as Airflow's
 * BashOperator does with its output line.
 */
export class LastLineTracker {
  /** Bytes of the line in progress (after the last newline seen). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lastLine: string | undefined;
  private truncatedLine = false;

  constructor(private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES) {}

  push(chunk: Buffer): void {
    const lastNewline = chunk.lastIndexOf(0x0a);
    if (lastNewline === -1) {
      this.appendPending(chunk);
      return;
    }
    this.takeLastCompleteLine(chunk, lastNewline);
    this.pending = [];
    this.pendingBytes = 0;
    this.appendPending(chunk.subarray(lastNewline + 1));
  }

  /** The last non-blank line, counting an unterminated final line. */
  finish(): string | undefined {
    if (this.pendingBytes > 0) {
      const line = Buffer.concat(this.pending);
      if (!isBlank(line)) this.keep(line, this.pendingBytes > this.maxLineBytes);
    }
    return this.lastLine;
  }

  /** True when the line returned by `finish` was cut at the size limit. */
  get truncated(): boolean {
    return this.truncatedLine;
  }

  /** Walks back from the chunk's last newline to the nearest non-blank line. */
  private takeLastCompleteLine(chunk: Buffer, lastNewline: number): void {
    let end = lastNewline;
    for (;;) {
      const previousNewline = end === 0 ? -1 : chunk.lastIndexOf(0x0a, end - 1);
      const segment = chunk.subarray(previousNewline + 1, end);
      if (previousNewline === -1) {
        // The line began in earlier chunks.
        const whole = this.pendingBytes > 0 ? Buffer.concat([...this.pending, segment]) : segment;
        if (!isBlank(whole)) this.keep(whole, this.pendingBytes + segment.length > this.maxLineBytes);
        return;
      }
      if (!isBlank(segment)) {
        this.keep(segment, false);
        return;
      }
      end = previousNewline;
    }
  }

  private appendPending(bytes: Buffer): void {
    const room = this.maxLineBytes - Math.min(this.pendingBytes, this.maxLineBytes);
    if (room > 0 && bytes.length > 0) this.pending.push(Buffer.from(bytes.subarray(0, room)));
    this.pendingBytes += bytes.length;
  }

  private keep(line: Buffer, truncated: boolean): void {
    const bounded = line.length > this.maxLineBytes ? line.subarray(0, this.maxLineBytes) : line;
    this.lastLine = bounded.toString('utf8').trimEnd();
    this.truncatedLine = truncated || line.length > this.maxLineBytes;
  }
}

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) {
    // space, \t, \n, \v, \f, \r
    if (byte !== 0x20 && (byte < 0x09 || byte > 0x0d)) return false;
  }
  return true;
}
