import { readFileSync } from 'node:fs';

/**
 * Tells a live process from a dead one whose PID the kernel has since handed to another process.
 * Deliberately local to the store (the executor has its own helper): the lock must not depend on
 * the executor's code.
 */

let bootId: string | undefined | null = null;

function readBootId(): string | undefined {
  if (bootId === null) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = undefined;
    }
  }
  return bootId;
}

/**
 * `<start time>@<boot id>` on Linux: field 22 of `/proc/<pid>/stat` (clock ticks since boot) and
 * the boot id, because a lock file outlives a reboot and start times restart at zero. Undefined
 * where /proc does not exist (macOS, Windows) or the process is gone.
 */
export function processStartToken(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2 (the command name) is in parentheses and may itself contain spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTime = fields[22 - 3];
  if (startTime === undefined || !/^\d+$/.test(startTime)) return undefined;
  return `${startTime}@${readBootId() ?? 'unknown-boot'}`;
}

/**
 * Whether `pid` is alive and, when `token` is given and this platform can tell, still the same
 * process that `token` was read from.
 */
export function isProcessAlive(pid: number, token?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A killed process stays a zombie until its parent reaps it; it holds nothing any more.
  if (isZombie(pid)) return false;
  if (token === undefined) return true;
  const current = processStartToken(pid);
  // Unreadable (no /proc, hidepid, or it exited a moment ago): err on the side of "alive", since
  // wrongly taking over a live scheduler's lock is far worse than asking the user to retry.
  return current === undefined || current === token;
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}
