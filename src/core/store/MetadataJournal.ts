import { closeSync, ftruncateSync, fstatSync, openSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import type { JournalOp } from './applyJournalEntry';

/** Journals with entries possibly still buffered, flushed if the process exits (process.exit()). */
const openJournals = new Set<MetadataJournal>();
let exitHookInstalled = false;

function flushAllOnExit(): void {
  for (const journal of openJournals) journal.flushOnExit();
}

/**
 * The append side of `metadata.journal`. Entries are buffered and written with one `write()` at
 * the end of the event-loop turn that made them (or at once by `flush()`). There is no fsync per
 * entry: a killed process does not lose the OS page cache, and snapshots (which are fsynced)
 * bound what a power cut can take.
 */
export class MetadataJournal {
  private pending: string[] = [];
  private flushScheduled = false;
  private closed = false;

  private constructor(
    readonly path: string,
    private fd: number,
    /** Bytes in the file, all of them complete entries. */
    private bytes: number,
    /** Number of the last entry handed to append(). */
    private lastSeq: number,
    /** Reports a deferred write that failed; the entries stay buffered and are retried. */
    private readonly onWriteError: (error: Error) => void,
  ) {}

  /**
   * Opens the journal for appending. `validBytes` is how much of the existing file holds complete
   * entries: anything after it (a write cut off by a crash) is cut away first, because the next
   * entry would otherwise be glued onto the torn line and look like damage in the middle.
   */
  static open(
    file: string,
    options: { validBytes: number; lastSeq: number; missingNewline: boolean; onWriteError: (error: Error) => void },
  ): MetadataJournal {
    let fd: number;
    try {
      fd = openSync(file, 'a+');
      const size = fstatSync(fd).size;
      if (size > options.validBytes) ftruncateSync(fd, options.validBytes);
    } catch (error) {
      throw new Error(
        `Could not open the metadata journal ${file} for writing: ${message(error)}. Check that the folder is writable and the disk is not full.`,
        { cause: error },
      );
    }
    const journal = new MetadataJournal(file, fd, options.validBytes, options.lastSeq, options.onWriteError);
    if (!exitHookInstalled) {
      // One listener for all journals (not one each), so that many stores do not trip Node's
      // MaxListenersExceeded warning.
      process.on('exit', flushAllOnExit);
      exitHookInstalled = true;
    }
    openJournals.add(journal);
    // The last entry survived but its newline did not; finish the line before appending more.
    if (options.missingNewline) journal.writeNow(Buffer.from('\n'), 'finishing its last line');
    return journal;
  }

  get seq(): number {
    return this.lastSeq;
  }

  /** Bytes written so far (excluding buffered entries). */
  get size(): number {
    return this.bytes;
  }

  append(op: JournalOp): void {
    if (this.closed) throw new Error(`The metadata journal ${this.path} is closed; reopen the store to write.`);
    this.lastSeq++;
    this.pending.push(`${JSON.stringify({ s: this.lastSeq, m: op.m, a: op.a })}\n`);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.deferredFlush);
    }
  }

  private readonly deferredFlush = (): void => {
    this.flushScheduled = false;
    try {
      this.flush();
    } catch (error) {
      this.onWriteError(error instanceof Error ? error : new Error(String(error)));
      // Retry later rather than spin: a full disk does not empty itself within a turn.
      if (!this.flushScheduled && !this.closed) {
        this.flushScheduled = true;
        setTimeout(this.deferredFlush, 1_000).unref();
      }
    }
  };

  /** Writes buffered entries now. Throws (keeping them buffered) if the write fails. */
  flush(): void {
    if (this.pending.length === 0 || this.closed) return;
    const count = this.pending.length;
    const data = Buffer.from(this.pending.length === 1 ? this.pending[0]! : this.pending.join(''), 'utf8');
    this.writeNow(data, `appending ${count} entr${count === 1 ? 'y' : 'ies'}`);
    this.pending = [];
  }

  private writeNow(data: Buffer, doing: string): void {
    let written = 0;
    try {
      while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
    } catch (error) {
      // Cut a partial write away so that the retry does not follow a torn line.
      try {
        ftruncateSync(this.fd, this.bytes);
      } catch {
        // The retry's torn line is then reported (not fatal) on the next open.
      }
      throw new Error(
        `Could not write the metadata journal ${this.path} (${doing}): ${message(error)}. Free disk space; the changes are kept in memory and written again shortly.`,
        { cause: error },
      );
    }
    this.bytes += data.length;
  }

  /**
   * Drops the first `coveredBytes` bytes, which a durable snapshot now contains. Synchronous, so
   * no entry can be appended in between. When entries arrived while the snapshot was being
   * written, they are kept: copied to a temp file that is renamed over the journal, so a crash at
   * any point leaves either the old journal (replayed after the snapshot's entry number) or the
   * new one.
   */
  dropCovered(coveredBytes: number): void {
    // Closed (abandoned) meanwhile: the descriptor number may already belong to another file.
    if (this.closed) return;
    this.flush();
    if (this.bytes === coveredBytes) {
      try {
        ftruncateSync(this.fd, 0);
      } catch (error) {
        throw new Error(
          `Could not truncate the metadata journal ${this.path} after a checkpoint: ${message(error)}. Nothing is lost (the next open skips entries the snapshot holds).`,
          { cause: error },
        );
      }
      this.bytes = 0;
      return;
    }
    const tail = Buffer.alloc(this.bytes - coveredBytes);
    const temp = `${this.path}.tmp-${process.pid}`;
    try {
      let read = 0;
      while (read < tail.length) read += readSync(this.fd, tail, read, tail.length - read, coveredBytes + read);
      writeFileSync(temp, tail);
      renameSync(temp, this.path);
    } catch (error) {
      throw new Error(
        `Could not shorten the metadata journal ${this.path} after a checkpoint: ${message(error)}. Nothing is lost (the next open skips entries the snapshot holds).`,
        { cause: error },
      );
    }
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a+');
    this.bytes = tail.length;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    openJournals.delete(this);
    closeSync(this.fd);
  }

  /**
   * Tests only: stops like a killed process would, dropping buffered entries and writing nothing
   * more, so that a test can reopen the workspace in the same process.
   */
  abandon(): void {
    this.pending = [];
    this.closed = true;
    openJournals.delete(this);
    closeSync(this.fd);
  }

  /** Last-chance write when the process exits with entries of the current turn still buffered. */
  flushOnExit(): void {
    try {
      this.flush();
    } catch {
      // Exiting: nowhere left to report it.
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
