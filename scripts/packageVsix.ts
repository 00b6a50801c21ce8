import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * `npm run package`: builds (through vsce's `vscode:prepublish`), packages `dagstream.vsix`,
 * refuses a package that would ship sources, tests or dev dependencies, and prints its size.
 */
const ROOT = path.resolve(__dirname, '..');
const VSIX = path.join(ROOT, 'dagstream.vsix');
const MAX_BYTES = 15 * 1024 * 1024;
/** Paths that must never be in the package: they do not run, or they are ours to keep. */
/** Files the extension loads at run time (extensionServices.js on first use of the engine, Kafka or SQLite). */
const REQUIRED = ['dist/extension.js', 'dist/extensionServices.js', 'dist/sqliteWorker.js', 'dist/sql-wasm.wasm'];
const FORBIDDEN = [/^src\//, /^test\//, /^webview\//, /^scripts\//, /^bench\//, /^node_modules\//, /^examples\//, /\.map$/, /\.tsx?$/];

function vsce(args: readonly string[]): string {
  const result = spawnSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`vsce ${args.join(' ')} failed (exit ${String(result.status)}); see the output above.`);
  return result.stdout;
}

function main(): void {
  // --no-dependencies: esbuild has already bundled every runtime dependency into dist/.
  const files = vsce(['ls', '--no-dependencies'])
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const forbidden = files.filter((file) => FORBIDDEN.some((pattern) => pattern.test(file)));
  if (forbidden.length > 0)
    throw new Error(`The package would contain files that must not ship:\n  ${forbidden.join('\n  ')}\nFix .vscodeignore.`);
  const missing = REQUIRED.filter((file) => !files.includes(file));
  if (missing.length > 0)
    throw new Error(`The package would lack files the extension loads:\n  ${missing.join('\n  ')}\nFix .vscodeignore.`);
  process.stdout.write(vsce(['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', VSIX]));
  const size = statSync(VSIX).size;
  process.stdout.write(
    `dagstream.vsix: ${(size / 1024 / 1024).toFixed(2)} MB (${size} bytes), ${files.length} files:\n  ${files.join('\n  ')}\n`,
  );
  if (size > MAX_BYTES) throw new Error(`dagstream.vsix is ${size} bytes, over the 15 MB budget; check what dist/ bundles.`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`Packaging failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
