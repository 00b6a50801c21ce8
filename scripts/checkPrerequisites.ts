import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A machine prerequisite of a dev script, and how a user gets it. */
export interface Prerequisite {
  readonly name: string;
  /** True when the prerequisite is present. */
  readonly isPresent: () => boolean;
  /** The command that installs it on Debian/Ubuntu. */
  readonly install: string;
}

function commandSucceeds(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

function javaMajorVersion(): number | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  // `java -version` prints to stderr: openjdk version "17.0.15" 2025-04-15
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr);
  if (!match) return undefined;
  const major = Number(match[1]);
  // Java 8 and older report "1.8.0_x".
  return major === 1 ? Number(match[2]) : major;
}

export const JAVA_17: Prerequisite = {
  name: 'Java 17 or newer (java on PATH)',
  isPresent: () => (javaMajorVersion() ?? 0) >= 17,
  install: 'apt-get install -y openjdk-17-jre-headless',
};

export const MAVEN: Prerequisite = {
  name: 'Maven (mvn on PATH)',
  isPresent: () => commandSucceeds('mvn', ['-v']),
  install: 'apt-get install -y maven',
};

export const CHROMIUM: Prerequisite = {
  name: 'Chromium (/usr/bin/chromium)',
  isPresent: () => existsSync(chromiumPath()),
  install: 'apt-get install -y chromium',
};

export const LIBKRB5_DEV: Prerequisite = {
  name: 'Kerberos headers (libkrb5-dev), needed to build code-server',
  isPresent: () => existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h'),
  install: 'apt-get install -y libkrb5-dev',
};

export const KCAT: Prerequisite = {
  name: 'kcat (a second Kafka client)',
  isPresent: () => commandSucceeds('kcat', ['-V']),
  install: 'apt-get install -y kcat',
};

export const SQLITE3: Prerequisite = {
  name: 'sqlite3 (the SQLite command-line tool)',
  isPresent: () => commandSucceeds('sqlite3', ['-version']),
  install: 'apt-get install -y sqlite3',
};

/** The browser used by the UI tests and the studio; overridable for other distributions. */
export function chromiumPath(): string {
  return process.env.DAGSTREAM_CHROMIUM ?? '/usr/bin/chromium';
}

/** Thrown when a dev script cannot start because the machine lacks something. */
export class MissingPrerequisiteError extends Error {
  override readonly name = 'MissingPrerequisiteError';
}

/**
 * Fails at once, naming every missing prerequisite and the command that installs it,
 * so that a test run never half-starts and then dies with an obscure error.
 */
export function assertPrerequisites(purpose: string, prerequisites: readonly Prerequisite[]): void {
  const missing = prerequisites.filter((p) => !p.isPresent());
  if (missing.length === 0) return;
  const lines = missing.map((p) => `  - ${p.name}: install with \`${p.install}\``);
  throw new MissingPrerequisiteError([`Cannot ${purpose}: missing prerequisite(s):`, ...lines].join('\n'));
}
