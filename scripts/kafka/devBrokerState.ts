import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** What `npm run kafka:start` records about the dev broker it left running. */
export interface DevBrokerState {
  readonly bootstrap: string;
  readonly pid: number;
  readonly dataDir: string;
  readonly logFile: string;
  /** ISO 8601. */
  readonly startedAt: string;
}

const REPO_ROOT = resolve(__dirname, '..', '..');
/** Gitignored; per checkout, so two clones each get their own dev broker. */
export const DEV_STATE_DIR = join(REPO_ROOT, '.dagstream-dev');
export const DEV_BROKER_STATE_FILE = join(DEV_STATE_DIR, 'kafka.json');
export const DEV_BROKER_DATA_DIR = join(DEV_STATE_DIR, 'kafka');

/** The path as a user would type it from the repo root. */
export function fromRepoRoot(path: string): string {
  return relative(REPO_ROOT, path) || '.';
}

/**
 * The recorded state, or undefined when there is none. A file that does not parse is reported
 * rather than ignored: it may name a broker that is still running.
 */
export function readDevBrokerState(file = DEV_BROKER_STATE_FILE): DevBrokerState | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `Reading ${file}: not JSON (${String(error)}). Stop the broker it named by hand (ps -ef | grep kafka.Kafka), then delete the file.`,
      { cause: error },
    );
  }
  if (!isDevBrokerState(value)) {
    throw new Error(
      `Reading ${file}: expected { bootstrap, pid, dataDir, logFile, startedAt }, found ${text.trim()}. Delete the file after checking no broker it names is running.`,
    );
  }
  return value;
}

export function writeDevBrokerState(state: DevBrokerState, file = DEV_BROKER_STATE_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  // Write then rename, so a concurrent reader never sees half a file.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, file);
}

export function removeDevBrokerState(file = DEV_BROKER_STATE_FILE): void {
  rmSync(file, { force: true });
}

function isDevBrokerState(value: unknown): value is DevBrokerState {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.bootstrap === 'string' &&
    typeof record.pid === 'number' &&
    Number.isInteger(record.pid) &&
    record.pid > 0 &&
    typeof record.dataDir === 'string' &&
    typeof record.logFile === 'string' &&
    typeof record.startedAt === 'string'
  );
}
