import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { metadataPaths } from './metadataPaths';
import { isProcessAlive, processStartToken } from './processIdentity';

/** What `<workspace>/.dagstream/scheduler.lock` says about the scheduler that holds it. */
export interface SchedulerLockHolder {
  pid: number;
  /** The process's start time (Linux), so that a recycled PID is not mistaken for the holder. */
  processToken?: string;
  hostname: string;
  startedAt: string;
  /** What is running, e.g. `dagstream scheduler` or `VS Code (Dagstream extension)`. */
  command: string;
}

/** The lock held by this process. */
export interface SchedulerLock {
  readonly path: string;
  readonly holder: SchedulerLockHolder;
  /** False once released, or if the file was removed or replaced behind our back. */
  isHeld(): boolean;
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): void;
}

export class SchedulerLockHeldError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: SchedulerLockHolder,
  ) {
    super(describeHeldLock(lockPath, holder));
    this.name = 'SchedulerLockHeldError';
  }
}

function describeHeldLock(lockPath: string, holder: SchedulerLockHolder): string {
  const started = holder.startedAt.replace(/\.\d{3}Z$/, 'Z');
  if (holder.hostname !== hostname()) {
    return `Another Dagstream scheduler (pid ${holder.pid} on host "${holder.hostname}", started ${started} by "${holder.command}") holds ${lockPath}; Dagstream cannot check a process on another machine: stop it there or use read-only commands, and delete the lock file only if you are sure it is gone`;
  }
  return `Another Dagstream scheduler (pid ${holder.pid}, started ${started} by "${holder.command}") holds ${lockPath}; stop it or use read-only commands`;
}

/** An unreadable lock younger than this may be one that the `wx` fallback is still writing. */
const INCOMPLETE_GRACE_MS = 10_000;
/** How long to wait for another process that is creating or taking over the lock right now. */
const CONTENTION_TIMEOUT_MS = 2_000;

/**
 * Makes this process the one scheduler of the workspace, or throws `SchedulerLockHeldError`.
 *
 * The lock file appears with its whole content at once: it is written under a private name and
 * `link()`ed into place, which fails if the name exists (an `open('wx')` would leave a moment in
 * which the file exists but is empty, and a racing process could judge it stale).
 *
 * A stale lock (dead PID, or a PID the kernel reused for another process) is taken over so that
 * two processes racing for it cannot both win: removing a stale lock requires first creating
 * `scheduler.lock.takeover-<hash of its content>` exclusively. Only one process can create that
 * marker for a given stale lock, and nobody else can replace the stale file while it exists
 * (creation needs the name to be free; removal needs the marker), so the winner's re-check
 * "still the same content" and its unlink see the same file. Every contender then competes for
 * the free name with the same atomic `link()`, and exactly one gets it.
 */
export function acquireSchedulerLock(workspaceDir: string, options: { command?: string } = {}): SchedulerLock {
  const paths = metadataPaths(workspaceDir);
  try {
    mkdirSync(paths.dir, { recursive: true });
  } catch (error) {
    throw new Error(
      `Could not create ${paths.dir} for the scheduler lock: ${errorMessage(error)}. Check that the workspace folder is writable.`,
      { cause: error },
    );
  }
  const holder = currentHolder(options.command ?? defaultCommand());
  const content = `${JSON.stringify(holder, null, 2)}\n`;

  const deadline = Date.now() + CONTENTION_TIMEOUT_MS;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    if (createFileExclusively(paths.lock, content)) {
      removeDebris(paths.lock);
      return heldLock(paths.lock, holder, content);
    }
    const existing = readLockFile(paths.lock);
    if (!existing) continue; // Released a moment ago: try again.
    const verdict = judge(existing);
    if (verdict === 'held') throw new SchedulerLockHeldError(paths.lock, existing.holder!);
    if (verdict === 'stale' && removeStaleFile(paths.lock, existing.raw, 0)) continue;
    // Someone else is writing or taking over the lock right now: give them a moment.
    sleepSync(Math.min(5 + attempt, 50));
  }
  throw new Error(
    `Could not acquire ${paths.lock}: other processes kept creating or taking it over for ${CONTENTION_TIMEOUT_MS / 1000} s. Try again; if it persists, check which Dagstream processes are running and remove stray ${path.basename(paths.lock)}.takeover-* files.`,
  );
}

/** The live scheduler holding the workspace's lock, or undefined when none does (a stale lock counts as none). */
export function readSchedulerLock(workspaceDir: string): SchedulerLockHolder | undefined {
  const existing = readLockFile(metadataPaths(workspaceDir).lock);
  return existing && judge(existing) === 'held' ? existing.holder : undefined;
}

function heldLock(lockPath: string, holder: SchedulerLockHolder, content: string): SchedulerLock {
  let released = false;
  const isOurs = (): boolean => readRaw(lockPath) === content;
  return {
    path: lockPath,
    holder,
    isHeld: () => !released && isOurs(),
    release: () => {
      if (released) return;
      released = true;
      // Another process only removes our lock if it judged us dead; never remove a lock that is
      // no longer ours (that would free the workspace for a third scheduler while one runs).
      if (isOurs()) unlinkIfExists(lockPath);
    },
  };
}

function currentHolder(command: string): SchedulerLockHolder {
  const token = processStartToken(process.pid);
  return {
    pid: process.pid,
    ...(token === undefined ? {} : { processToken: token }),
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command,
  };
}

function defaultCommand(): string {
  const script = process.argv[1];
  return [script ? path.basename(script) : path.basename(process.argv0), ...process.argv.slice(2)].join(' ');
}

interface LockFile {
  raw: string;
  /** Undefined when the content is not a lock (being written by the fallback, or damaged). */
  holder?: SchedulerLockHolder;
  mtimeMs: number;
}

function readLockFile(file: string): LockFile | undefined {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = readFileSync(file, 'utf8');
    mtimeMs = statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Could not read the scheduler lock ${file}: ${errorMessage(error)}. Check the file's permissions.`, { cause: error });
  }
  const holder = parseHolder(raw);
  return holder ? { raw, holder, mtimeMs } : { raw, mtimeMs };
}

function parseHolder(raw: string): SchedulerLockHolder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const { pid, processToken, hostname: host, startedAt, command } = record;
  if (typeof pid !== 'number' || typeof host !== 'string' || typeof startedAt !== 'string' || typeof command !== 'string') return undefined;
  return { pid, ...(typeof processToken === 'string' ? { processToken } : {}), hostname: host, startedAt, command };
}

/** held: a live process (or one on another machine, which cannot be checked) owns it. */
function judge(file: LockFile): 'held' | 'stale' | 'incomplete' {
  const { holder } = file;
  if (!holder) return Date.now() - file.mtimeMs > INCOMPLETE_GRACE_MS ? 'stale' : 'incomplete';
  if (holder.hostname !== hostname()) return 'held';
  return isProcessAlive(holder.pid, holder.processToken) ? 'held' : 'stale';
}

/**
 * Removes `file` if its content is still `expectedRaw`, guarded by a takeover marker (see
 * acquireSchedulerLock). Returns false when another process is doing it; the caller re-reads.
 */
function removeStaleFile(file: string, expectedRaw: string, depth: number): boolean {
  const marker = `${file}.takeover-${createHash('sha256').update(expectedRaw).digest('hex').slice(0, 16)}`;
  if (depth > 2) {
    throw new Error(
      `Could not take over the stale scheduler lock ${file}: takeover markers (${marker}) were left by processes that died while taking it over. If no Dagstream scheduler runs, delete ${path.dirname(file)}/scheduler.lock*.`,
    );
  }
  if (createFileExclusively(marker, `${JSON.stringify(currentHolder('taking over a stale scheduler lock'))}\n`)) {
    try {
      if (readRaw(file) === expectedRaw) unlinkIfExists(file);
    } finally {
      unlinkIfExists(marker);
    }
    return true;
  }
  // Another process holds the marker. If it died mid-takeover, its marker is stale in turn.
  const existing = readLockFile(marker);
  if (existing && judge(existing) === 'stale') removeStaleFile(marker, existing.raw, depth + 1);
  return false;
}

/** Creates `file` with `content` if the name is free, atomically; false if it exists. */
function createFileExclusively(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeDurably(temp, content, 'wx');
  } catch (error) {
    throw new Error(
      `Could not write ${temp} while creating the scheduler lock: ${errorMessage(error)}. Check that ${path.dirname(file)} is writable.`,
      { cause: error },
    );
  }
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createWithOpenExclusive(file, content);
    throw new Error(`Could not create the scheduler lock ${file}: ${errorMessage(error)}. Check that ${path.dirname(file)} is writable.`, {
      cause: error,
    });
  } finally {
    unlinkIfExists(temp);
  }
}

/** For file systems without hard links: briefly empty, which `judge` tolerates as "incomplete". */
function createWithOpenExclusive(file: string, content: string): boolean {
  try {
    writeDurably(file, content, 'wx');
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`Could not create the scheduler lock ${file}: ${errorMessage(error)}. Check that ${path.dirname(file)} is writable.`, {
      cause: error,
    });
  }
}

function writeDurably(file: string, content: string, flag: 'wx'): void {
  const fd = openSync(file, flag);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Takeover markers and temp files left by processes that died mid-way. */
function removeDebris(lockPath: string): void {
  const dir = path.dirname(lockPath);
  const base = path.basename(lockPath);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(`${base}.`) || name === base) continue;
    const file = path.join(dir, name);
    const temp = /^\S+?\.(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name);
    if (temp) {
      if (!isProcessAlive(Number(temp[1]))) unlinkIfExists(file);
    } else if (name.includes('.takeover-')) {
      const marker = readLockFile(file);
      if (marker && judge(marker) === 'stale') unlinkIfExists(file);
    }
  }
}

function readRaw(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function unlinkIfExists(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`Could not remove ${file}: ${errorMessage(error)}. Check the folder's permissions.`, { cause: error });
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
