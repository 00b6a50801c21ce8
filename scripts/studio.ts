import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startCodeServer, type RunningCodeServer } from './codeServer/startCodeServer';

const REPO_ROOT = resolve(__dirname, '..');
const VSIX = join(REPO_ROOT, 'dagstream.vsix');
const EXAMPLES = join(REPO_ROOT, 'examples');

const USAGE = 'Usage: npm run studio [-- --port <port>]';

/** `--port N` (or `--port=N`); undefined means any free port. */
function parsePort(argv: readonly string[]): number | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--port') value = argv[++i];
    else if (arg.startsWith('--port=')) value = arg.slice('--port='.length);
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`Unknown argument "${arg}". ${USAGE}`);
  }
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port needs a port number, got "${value}".`);
  return port;
}

/**
 * A real VS Code (code-server) in the browser with the packaged extension installed and the repo's
 * examples/ open, so that edits there are the user's own. Runs until Ctrl+C.
 */
async function main(): Promise<void> {
  const port = parsePort(process.argv.slice(2));
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing; run \`npm run package\` (npm run studio does).`);
  if (!existsSync(EXAMPLES)) throw new Error(`${EXAMPLES} is missing; the studio opens that folder.`);

  // Shared with the signal handler, which may run before the server is up.
  const state: { server?: RunningCodeServer; stopping: boolean } = { stopping: false };
  const shutDown = (signal: NodeJS.Signals): void => {
    if (state.stopping) return;
    state.stopping = true;
    console.log(`\n[studio] ${signal}: stopping code-server`);
    // While it is still starting, main() stops it as soon as it is up.
    if (state.server) void state.server.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', shutDown);
  process.on('SIGTERM', shutDown);

  const started = Date.now();
  const server = await startCodeServer({
    workspaceFolder: EXAMPLES,
    vsixToInstall: VSIX,
    ...(port === undefined ? {} : { port }),
  });
  state.server = server;
  if (state.stopping) {
    await server.stop();
    process.exit(0);
  }
  console.log(`[studio] ready in ${((Date.now() - started) / 1000).toFixed(1)} s (code-server pid ${server.pid})`);
  console.log(`[studio] open ${server.url}`);
  console.log('[studio] Ctrl+C stops it.');

  await server.exited;
  if (!state.stopping) {
    const log = await readFile(join(server.dataRoot, 'code-server.log'), 'utf8').catch(() => '(no log)');
    console.error(`[studio] code-server exited on its own. The end of its log:\n${log.split('\n').slice(-30).join('\n')}`);
    await server.stop();
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(`[studio] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
