import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Task processes and everything they start, handled as one process group.
 *
 * A task's child is spawned as the leader of a new session and process group (`detached`), so
 * its group id equals its pid and one signal to `-pgid` reaches every process it forked,
 * however deep. The engine stores the pid with a token (the process's start time) so that after
 * a crash it can tell its own orphaned task from an unrelated process that reused the pid.
 */

const POLL_FIRST_MS = 5;
const POLL_MAX_MS = 50;
/** After SIGKILL a process can only linger in uninterruptible sleep (stuck I/O); do not wait forever. */
const AFTER_SIGKILL_LIMIT_MS = 10_000;

/** Spawns `command` as the leader of its own process group (its pgid is its pid). */
export function spawnProcessGroup(command: string, args: readonly string[], options: Omit<SpawnOptions, 'detached'>): ChildProcess {
  return spawn(command, args, { ...options, detached: true });
}

/**
 * Stops every process of the group: SIGTERM, then SIGKILL to whatever is left after `graceMs`.
 * Resolves true once the group is gone (immediately when it already is), false if processes
 * survived even SIGKILL for ten seconds (stuck in the kernel), which the caller should log.
 */
export async function killProcessGroup(pgid: number, graceMs: number): Promise<boolean> {
  if (!isProcessGroupAlive(pgid)) return true;
  signalGroup(pgid, 'SIGTERM');
  if (await waitForGroupExit(pgid, graceMs)) return true;
  signalGroup(pgid, 'SIGKILL');
  return waitForGroupExit(pgid, AFTER_SIGKILL_LIMIT_MS);
}

/**
 * Whether any live process is in the group. Zombies do not count: in a container whose PID 1
 * does not reap orphans, a killed grandchild can stay a zombie forever, and it holds nothing.
 */
export function isProcessGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    // EPERM: the group exists but belongs to another user, so it is alive (and not ours to kill).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  return listGroupMembers(pgid).some((member) => member.state !== 'Z' && member.state !== 'X');
}

/**
 * Identity of a live process: its start time in clock ticks since boot (field 22 of
 * `/proc/<pid>/stat`). Undefined when the process does not exist or on systems without /proc.
 */
export function readProcessToken(pid: number): string | undefined {
  return readStat(pid)?.startTime;
}

/**
 * True when `pid` is running (not a zombie) and, given a token, is the same process as when the
 * token was read. Without a token, only whether some process has that pid.
 */
export function isProcessAlive(pid: number, token: string | undefined): boolean {
  if (process.platform === 'linux') {
    const stat = readStat(pid);
    // A zombie has exited; it only waits for its parent (or init) to collect its status.
    return stat !== undefined && (token === undefined || stat.startTime === token) && stat.state !== 'Z' && stat.state !== 'X';
  }
  // Without /proc there are no tokens (readProcessToken gives none); existence is the best answer.
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * After a crash: kills what is left of a task's process group, recorded as `pgid` and `token`.
 * - The leader still runs with the same token: the whole group is the task's; it is killed.
 * - The pid now belongs to another process (different token): nothing is touched.
 * - The leader is gone but processes remain in its group: the kernel never hands out a pid that
 *   is still some group's id, so these are the task's orphans; those that started no earlier
 *   than the leader are killed.
 * Resolves to the number of processes that were signalled.
 */
export async function killOrphanedProcessGroup(pgid: number, token: string | undefined, graceMs: number): Promise<number> {
  const leader = readStat(pgid);
  if (leader && token !== undefined && leader.startTime !== token) return 0;
  if (process.platform !== 'linux') {
    if (!isProcessGroupAlive(pgid)) return 0;
    await killProcessGroup(pgid, graceMs);
    return 1;
  }
  const members = listGroupMembers(pgid).filter((member) => member.state !== 'Z' && member.state !== 'X');
  const ours = token === undefined ? members : members.filter((member) => BigInt(member.startTime) >= BigInt(token));
  if (ours.length === 0) return 0;
  if (ours.length === members.length) {
    await killProcessGroup(pgid, graceMs);
    return ours.length;
  }
  // Mixed group (should not happen): signal only the processes that are provably the task's.
  for (const member of ours) signalProcess(member.pid, 'SIGTERM');
  await delay(graceMs);
  for (const member of ours) if (isProcessAlive(member.pid, member.startTime)) signalProcess(member.pid, 'SIGKILL');
  return ours.length;
}

/** Pids of the live (non-zombie) processes in a group; empty without /proc. */
export function listProcessGroupPids(pgid: number): number[] {
  return listGroupMembers(pgid)
    .filter((member) => member.state !== 'Z' && member.state !== 'X')
    .map((member) => member.pid);
}

interface ProcessStat {
  pid: number;
  state: string;
  pgrp: number;
  startTime: string;
}

function readStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return parseStat(pid, text);
}

/** `/proc/<pid>/stat`: the command name (field 2) may hold spaces and parentheses, so split after the last `)`. */
function parseStat(pid: number, text: string): ProcessStat | undefined {
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  const state = fields[0];
  const pgrp = fields[2];
  const startTime = fields[19];
  if (state === undefined || pgrp === undefined || startTime === undefined) return undefined;
  return { pid, state, pgrp: Number(pgrp), startTime };
}

function listGroupMembers(pgid: number): ProcessStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const members: ProcessStat[] = [];
  for (const entry of entries) {
    const first = entry.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const stat = readStat(Number(entry));
    if (stat?.pgrp === pgid) members.push(stat);
  }
  return members;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  signalProcess(-pgid, signal);
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    // ESRCH: already gone, which is the goal.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitForGroupExit(pgid: number, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  let interval = POLL_FIRST_MS;
  for (;;) {
    if (!isProcessGroupAlive(pgid)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await delay(Math.min(interval, left));
    interval = Math.min(interval * 2, POLL_MAX_MS);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
