import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { SPARE_LOG_NAME, takeSpareLogFolder } from './spareLogFolder';

/**
 * One try's log file, opened for appending. Lines the engine writes look like Airflow's
 * (`[2026-11-25T13:00:00.123Z] {dagstream.bash} INFO - Running command: ...`); the task's own
 * output is appended raw between them, byte for byte.
 *
 * Task processes write their output straight into the file (their stdout and stderr are this
 * file's descriptor, see runChildProcess), so the output never passes through the engine. The
 * engine's own lines are few and short and are written synchronously: with the file opened in
 * append mode, each write lands whole at the end of the file, after what the task printed
 * before it, and nothing waits on a thread pool when a try starts or ends.
 */
export class TaskLog {
  private fd: number | undefined;

  private constructor(
    readonly file: string,
    fd: number,
    private readonly source: string,
  ) {
    this.fd = fd;
  }

  /**
   * Creates the folder (or takes the spare one, see spareLogFolder) and opens the file
   * synchronously, so that a log that cannot be written is reported before the task starts, and
   * so that the header is the first thing in it.
   * Throws an Error that says which file and why.
   */
  static open(file: string, source: string): TaskLog {
    try {
      const folder = path.dirname(file);
      if (path.basename(file) !== SPARE_LOG_NAME || !takeSpareLogFolder(folder)) mkdirSync(folder, { recursive: true });
      // Read access too: the last line of a task's output is read back from the file (readLastLine).
      return new TaskLog(file, openSync(file, 'a+'), source);
    } catch (error) {
      throw new Error(
        `Could not open the task log ${file}: ${(error as Error).message}. Check that the workspace's .dagstream folder is writable.`,
        { cause: error },
      );
    }
  }

  /** The open file descriptor, to hand to a child process as its stdout and stderr; undefined once closed. */
  get descriptor(): number | undefined {
    return this.fd;
  }

  /** Bytes in the file now (what was written so far by the engine and by the task). */
  size(): number {
    if (this.fd === undefined) return 0;
    try {
      return fstatSync(this.fd).size;
    } catch {
      return 0;
    }
  }

  /** Lines at INFO level; several are written at once (e.g. a header before the task starts). */
  info(...messages: string[]): void {
    this.lines('INFO', messages);
  }

  warning(message: string): void {
    this.lines('WARNING', [message]);
  }

  error(message: string): void {
    this.lines('ERROR', [message]);
  }

  /** Raw text or bytes, for example a response body, written as they are. */
  write(data: string | Uint8Array): void {
    if (this.fd === undefined) return;
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let written = 0;
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    } catch {
      // A failing disk must not crash the engine; the task's outcome does not depend on its log.
    }
  }

  /** Closes the file; later writes are ignored. Safe to call twice; resolves at once. */
  close(): Promise<void> {
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      try {
        closeSync(fd);
      } catch {
        // Nothing left to lose: every write was already handed to the OS.
      }
    }
    return Promise.resolve();
  }

  private lines(level: string, messages: readonly string[]): void {
    const prefix = `[${new Date().toISOString()}] {dagstream.${this.source}} ${level} - `;
    this.write(messages.map((message) => `${prefix}${message}\n`).join(''));
  }
}
