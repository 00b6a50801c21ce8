import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { ensureCodeServer, type CodeServerInstall } from './installCodeServer';

export interface StartCodeServerOptions {
  /** The folder the workbench opens (also the default folder of the returned URL). */
  readonly workspaceFolder: string;
  /** Where extensions are installed; a fresh folder under the data root when omitted. */
  readonly extensionsDir?: string;
  /** A packaged extension to install before the server starts. */
  readonly vsixToInstall?: string;
  /** Merged over the defaults in `User/settings.json`. */
  readonly userSettings?: Record<string, unknown>;
  /** Needed for the `payload` query (extensionTestsPath) and the automation hooks on code-server 4.139. */
  readonly enableSmokeTestDriver?: boolean;
  /** A fixed port (the studio's `--port`); a free one otherwise. */
  readonly port?: number;
}

export interface RunningCodeServer {
  /** The workbench URL with the workspace folder opened. */
  readonly url: string;
  /** The server's pid, also its process group id. */
  readonly pid: number;
  /** Kills the server's whole process group and removes the data root. */
  stop(): Promise<void>;
  /** The temp folder with all of the server's config, data, logs and caches. */
  readonly dataRoot: string;
  /** Settles when the server process exits, on its own or through `stop()`. */
  readonly exited: Promise<void>;
}

/**
 * Settings that keep the workbench quiet and deterministic: no welcome page or walkthrough stealing
 * focus, no network chatter. Workspace trust stays on (the default) so restricted mode is testable.
 */
export const DEFAULT_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  // 1.139 opens an (empty, with AI features off) secondary side bar that takes a third of the screen.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

const HEALTHZ_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/**
 * Starts code-server with everything (config, user data, extensions, logs, XDG dirs) under a fresh
 * temp folder, in its own process group so that `stop()` also ends its watcher and extension-host
 * children, and resolves once `/healthz` answers.
 */
export async function startCodeServer(options: StartCodeServerOptions): Promise<RunningCodeServer> {
  const install = await ensureCodeServer();
  const dataRoot = await mkdtemp(join(tmpdir(), 'dagstream-code-server-'));
  try {
    return await startIn(install, dataRoot, options);
  } catch (error) {
    if (!process.env.DAGSTREAM_KEEP_CODE_SERVER_DATA) await rm(dataRoot, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(install: CodeServerInstall, dataRoot: string, options: StartCodeServerOptions): Promise<RunningCodeServer> {
  const workspaceFolder = resolve(options.workspaceFolder);
  const userDataDir = join(dataRoot, 'user-data');
  const extensionsDir = options.extensionsDir ? resolve(options.extensionsDir) : join(dataRoot, 'extensions');
  const configFile = join(dataRoot, 'config.yaml');
  await Promise.all(['config', 'data', 'cache'].map((name) => mkdir(join(dataRoot, name), { recursive: true })));
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  await mkdir(extensionsDir, { recursive: true });
  await writeFile(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...options.userSettings }, null, 2),
  );

  const env = serverEnv(install, dataRoot);
  const commonArgs = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (options.vsixToInstall) {
    await writeConfig(configFile, options.port ?? 0);
    installExtension(install, resolve(options.vsixToInstall), commonArgs, env);
  }

  // A free port can be taken between our probe and code-server's bind; try again with another one.
  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    await writeConfig(configFile, port);
    try {
      return await launch(install, { dataRoot, workspaceFolder, port, commonArgs, env, options });
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= attempts) throw error;
    }
  }
}

interface LaunchParameters {
  readonly dataRoot: string;
  readonly workspaceFolder: string;
  readonly port: number;
  readonly commonArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly options: StartCodeServerOptions;
}

class PortInUseError extends Error {}

async function launch(install: CodeServerInstall, p: LaunchParameters): Promise<RunningCodeServer> {
  const args = [
    install.codeServerBin,
    ...p.commonArgs,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    // Every page load starts an extension host that otherwise outlives the page for 3 hours.
    ...(supportsOption(install, 'reconnection-grace-time') ? ['--reconnection-grace-time', '10'] : []),
    ...(p.options.enableSmokeTestDriver ? smokeTestDriverArgs(install) : []),
    p.workspaceFolder,
  ];
  const logFile = join(p.dataRoot, 'code-server.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  // `detached` makes the child call setsid(): it leads its own session and process group, so one
  // `kill(-pid)` reaches the file watchers and extension hosts it forks.
  const child = spawn(install.nodeBin, args, { env: p.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start code-server (${install.nodeBin} ${args.join(' ')}).`);

  // If this process exits without calling stop(), leave neither a server (and its children) nor its
  // data behind. Only synchronous work is possible here.
  const killOnExit = (): void => {
    killGroup(pid, 'SIGKILL');
    if (!process.env.DAGSTREAM_KEEP_CODE_SERVER_DATA) rmSync(p.dataRoot, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);

  let exited = false;
  const exitedPromise = new Promise<void>((resolveExit) => {
    child.on('exit', () => {
      exited = true;
      resolveExit();
    });
  });

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    await stopGroup(pid);
    log.end();
    if (process.env.DAGSTREAM_KEEP_CODE_SERVER_DATA) {
      console.log(`[code-server] kept its data (logs, user data) in ${p.dataRoot}`);
    } else {
      await rm(p.dataRoot, { recursive: true, force: true });
    }
  };

  const base = `http://127.0.0.1:${p.port}`;
  const started = Date.now();
  try {
    while (!(await healthy(`${base}/healthz`))) {
      if (exited) {
        const output = await readFile(logFile, 'utf8');
        if (/EADDRINUSE/.test(output)) throw new PortInUseError(`Port ${p.port} is in use.`);
        throw new Error(`code-server exited before it was ready. Its output:\n${output}`);
      }
      if (Date.now() - started > HEALTHZ_TIMEOUT_MS) {
        throw new Error(
          `code-server did not answer ${base}/healthz within ${HEALTHZ_TIMEOUT_MS / 1000} s. ` +
            `Its output:\n${await readFile(logFile, 'utf8')}`,
        );
      }
      await sleep(100);
    }
  } catch (error) {
    process.off('exit', killOnExit);
    await stopGroup(pid);
    log.end();
    throw error;
  }

  return { url: workbenchUrl(base, p.workspaceFolder), pid, stop, dataRoot: p.dataRoot, exited: exitedPromise };
}

/** The workbench URL that opens `folder`; add `&payload=` for the extension test runner. */
export function workbenchUrl(base: string, folder: string): string {
  return `${base}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}`;
}

/**
 * code-server 4.139 passes VS Code server flags through `--vscode-option`; the payload query
 * (extensionTestsPath) and the automation hooks only work with this one. 4.100 honours the payload
 * without it (and has no `--vscode-option`).
 */
function smokeTestDriverArgs(install: CodeServerInstall): string[] {
  return supportsOption(install, 'vscode-option') ? ['--vscode-option', 'enable-smoke-test-driver'] : [];
}

/** Whether this code-server's CLI knows a flag (read from its option table, not from its version). */
function supportsOption(install: CodeServerInstall, flag: string): boolean {
  const cli = readFileSync(join(dirname(install.codeServerBin), 'cli.js'), 'utf8');
  return cli.includes(`"${flag}": {`);
}

function installExtension(install: CodeServerInstall, vsix: string, commonArgs: readonly string[], env: NodeJS.ProcessEnv): void {
  const started = Date.now();
  const result = spawnSync(install.nodeBin, [install.codeServerBin, ...commonArgs, '--install-extension', vsix], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(
      `Could not install ${vsix} into code-server (exit ${result.status ?? result.signal}). ` +
        `Run \`npm run package\` to rebuild it. Output:\n${output}`,
    );
  }
  console.log(`[code-server] installed ${vsix} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function writeConfig(configFile: string, port: number): Promise<void> {
  await writeFile(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
}

/**
 * The server's environment: its own XDG dirs (code-server writes config, logs and caches there
 * even with --config), the Node it needs first on PATH, and none of the VS Code variables of a
 * terminal we may run in (they would make code-server talk to that other VS Code).
 */
function serverEnv(install: CodeServerInstall, dataRoot: string): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([key]) => !key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE' && !key.toLowerCase().startsWith('npm_'),
  );
  return {
    ...Object.fromEntries(inherited),
    PATH: `${dirname(install.nodeBin)}${delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(dataRoot, 'config'),
    XDG_DATA_HOME: join(dataRoot, 'data'),
    XDG_CACHE_HOME: join(dataRoot, 'cache'),
  };
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('Could not find a free TCP port.'))));
    });
  });
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolveHealth) => {
    const request = get(url, { timeout: 2000 }, (response) => {
      response.resume();
      resolveHealth(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolveHealth(false));
  });
}

/** SIGTERM to the whole group, SIGKILL to whatever is left after a grace period. */
async function stopGroup(pgid: number): Promise<void> {
  killGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
  while (groupAlive(pgid) && Date.now() < deadline + 2000) await sleep(50);
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
