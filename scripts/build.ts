import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';
import { webviewViteConfig } from './webviewViteConfig';

/**
 * Builds everything that runs: the extension host bundle, the CLI, the webviews and sql.js's
 * WebAssembly. `--watch` rebuilds on change. Output goes to dist/, which is what the .vsix holds.
 */
const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
/** Every folder of webview/ with a main.tsx is a surface (see WebviewSurface in src/extension/webviews). */
const WEBVIEW_SURFACES = readdirSync(path.join(ROOT, 'webview'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(ROOT, 'webview', entry.name, 'main.tsx')))
  .map((entry) => entry.name)
  .sort();

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

const shared: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: ROOT,
  // Prefer ES module builds: jsonc-parser's UMD build hides its requires from bundlers.
  mainFields: ['module', 'main'],
};

/**
 * The extension's heavy machinery (engine, kafkajs, sql.js, sucrase, nunjucks) is a second bundle,
 * dist/extensionServices.js, that src/extension/services/loadExtensionServices.ts requires on
 * first use: VS Code counts loading dist/extension.js in the activation time, and V8 parses all
 * of a bundle it loads, evaluated or not.
 */
const SERVICES_LOADER = path.join(ROOT, 'src', 'extension', 'services', 'loadExtensionServices.ts');
/** Packages that must stay out of dist/extension.js (checked after every build). */
const LAZY_PACKAGES = ['kafkajs', 'sucrase', 'nunjucks', 'sql.js', 'chokidar'];

const lazyServicesPlugin: esbuild.Plugin = {
  name: 'lazy-extension-services',
  setup(build) {
    build.onResolve({ filter: /^\.\/extensionServices$/ }, (args) =>
      args.importer === SERVICES_LOADER ? { path: './extensionServices.js', external: true } : undefined,
    );
    build.onEnd((result) => {
      const inputs = Object.keys(result.metafile?.inputs ?? {});
      const leaked = LAZY_PACKAGES.filter((name) => inputs.some((input) => input.includes(`node_modules/${name}/`)));
      if (leaked.length > 0)
        result.errors.push({
          id: 'lazy-extension-services',
          pluginName: 'lazy-extension-services',
          text: `dist/extension.js bundles ${leaked.join(', ')}: import them through loadExtensionServices() (src/extension/services) so that activation stays cheap.`,
          location: null,
          notes: [],
          detail: undefined,
        });
    });
  },
};

const extensionOptions: esbuild.BuildOptions = {
  ...shared,
  entryPoints: ['src/extension/extension.ts'],
  outfile: 'dist/extension.js',
  // `vscode` is provided by the extension host at run time.
  external: ['vscode'],
  // import('./extensionServices') becomes require('./extensionServices.js'): one module system for both bundles.
  supported: { 'dynamic-import': false },
  metafile: true,
  plugins: [lazyServicesPlugin],
};

const extensionServicesOptions: esbuild.BuildOptions = {
  ...shared,
  entryPoints: ['src/extension/services/extensionServices.ts'],
  outfile: 'dist/extensionServices.js',
};

const cliOptions: esbuild.BuildOptions = {
  ...shared,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node' },
  define: { DAGSTREAM_VERSION: JSON.stringify(packageVersion()) },
};

// The SQLite database worker (src/core/sqlite): the extension and the CLI start it from dist/.
const sqliteWorkerOptions: esbuild.BuildOptions = {
  ...shared,
  entryPoints: ['src/core/sqlite/sqliteWorkerMain.ts'],
  outfile: 'dist/sqliteWorker.js',
};

async function copySqlWasm(): Promise<void> {
  // sql.js loads its engine from this file at run time; it must sit beside the bundles.
  await copyFile(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(DIST, 'sql-wasm.wasm'));
}

async function buildOnce(): Promise<void> {
  const started = Date.now();
  await rm(DIST, { recursive: true, force: true });
  await mkdir(DIST, { recursive: true });
  await Promise.all([
    esbuild.build(extensionOptions),
    esbuild.build(extensionServicesOptions),
    esbuild.build(cliOptions),
    esbuild.build(sqliteWorkerOptions),
    copySqlWasm(),
  ]);
  for (const surface of WEBVIEW_SURFACES) await viteBuild(webviewViteConfig(surface));
  process.stdout.write(
    `Built dist/ (extension, extensionServices, cli, webviews: ${WEBVIEW_SURFACES.join(', ')}, sql-wasm) in ${Date.now() - started} ms\n`,
  );
}

async function watch(): Promise<void> {
  await mkdir(DIST, { recursive: true });
  await copySqlWasm();
  const contexts = await Promise.all([
    esbuild.context(extensionOptions),
    esbuild.context(extensionServicesOptions),
    esbuild.context(cliOptions),
    esbuild.context(sqliteWorkerOptions),
  ]);
  await Promise.all(contexts.map((context) => context.watch()));
  for (const surface of WEBVIEW_SURFACES) await viteBuild(webviewViteConfig(surface, true));
  process.stdout.write('Watching src/ and webview/ for changes (Ctrl+C to stop)\n');
}

function main(): void {
  const run = process.argv.includes('--watch') ? watch() : buildOnce();
  run.catch((error: unknown) => {
    process.stderr.write(`Build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

main();
