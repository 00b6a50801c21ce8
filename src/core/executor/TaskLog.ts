import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import * as path from 'node:path';

/**
 * One try's log file, opened for appending. Lines the engine writes look like Airflow's
 * (`[2026-11-25T13:00:00.123Z] {dagstream.bash} INFO - Running command: ...`); the task's own
 * output is appended raw between them, byte for byte.
 */
export class TaskLog {
  private closed: Promise<void> | undefined;

  private constructor(
    readonly file: string,
    /** Where child processes' stdout and stderr are piped; backpressure pauses the child. */
    readonly stream: WriteStream,
    private readonly source: string,
  ) {
    // A failing disk must not crash the engine; the task's outcome does not depend on its log.
    stream.on('error', () => undefined);
  }

  /**
   * Creates the folder and opens the file synchronously, so that a log that cannot be written
   * is reported before the task starts, and so that the header is the first thing in it.
   * Throws an Error that says which file and why.
   */
  static open(file: string, source: string): TaskLog {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const fd = openSync(file, 'a');
      return new TaskLog(file, createWriteStream(file, { fd }), source);
    } catch (error) {
      throw new Error(
        `Could not open the task log ${file}: ${(error as Error).message}. Check that the workspace's .dagstream folder is writable.`,
        { cause: error },
      );
    }
  }

  info(message: string): void {
    this.line('INFO', message);
  }

  warning(message: string): void {
    this.line('WARNING', message);
  }

  error(message: string): void {
    this.line('ERROR', message);
  }

  /** Raw text, for example a response body, written as it is. */
  write(text: string): void {
    if (!this.closed) this.stream.write(text);
  }

  /** Flushes and closes the file; resolves even if writing failed. Safe to call twice. */
  close(): Promise<void> {
    this.closed ??= new Promise((resolve) => {
      if (this.stream.destroyed) resolve();
      else this.stream.end(() => resolve());
      this.stream.once('error', () => resolve());
    });
    return this.closed;
  }

  private line(level: string, message: string): void {
    this.write(`[${new Date().toISOString()}] {dagstream.${this.source}} ${level} - ${message}\n`);
  }
}
