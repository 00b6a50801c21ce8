import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Stops following and delivers whatever the file gained since the last poll. */
export type StopFollowing = () => void;

const POLL_MS = 200;
const MAX_CHUNK = 256 * 1024;

/**
 * Follows a growing log file (a try's log, written by the task's own process) and delivers
 * complete lines as they appear, like `tail -f`. Polling instead of fs.watch: watch events are
 * unreliable across platforms and editors' remote file systems, and 200 ms is live enough.
 */
export function followLogFile(file: string, onLines: (text: string) => void, fromOffset = 0): StopFollowing {
  let offset = fromOffset;
  let partial = '';
  const poll = (final: boolean): void => {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return; // not created yet
    }
    if (size < offset) offset = 0; // truncated or replaced: start over
    let fd: number | undefined;
    try {
      fd = openSync(file, 'r');
      while (offset < size) {
        const buffer = Buffer.alloc(Math.min(MAX_CHUNK, size - offset));
        const read = readSync(fd, buffer, 0, buffer.length, offset);
        if (read <= 0) break;
        offset += read;
        partial += buffer.subarray(0, read).toString('utf8');
      }
    } catch {
      return;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    const cut = final ? partial.length : partial.lastIndexOf('\n') + 1;
    if (cut > 0) {
      const text = partial.slice(0, cut);
      partial = partial.slice(cut);
      onLines(text);
    }
  };
  const timer = setInterval(() => poll(false), POLL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    poll(true);
  };
}
