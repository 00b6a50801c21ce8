import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const SUITE_SOURCE_DIR = join(REPO_ROOT, 'test', 'vscode', 'suite');
/** Where the compiled suite lives; `index.js` in it is the extensionTestsPath. */
export const SUITE_OUT_DIR = join(REPO_ROOT, 'out', 'test', 'vscode', 'suite');

/**
 * Compiles the in-editor suite to CommonJS for the extension host: one bundle per file, so a test
 * may import from `src/` (protocol types, fixtures), while `vscode` (provided by the host) and every
 * npm package (mocha among them, resolved from the repo's node_modules at runtime) stay external.
 */
export async function buildSuite(): Promise<string> {
  const started = Date.now();
  const entryPoints = readdirSync(SUITE_SOURCE_DIR)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(SUITE_SOURCE_DIR, name));
  await rm(SUITE_OUT_DIR, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: SUITE_OUT_DIR,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    packages: 'external',
    logLevel: 'warning',
  });
  console.log(`[suite] compiled ${entryPoints.length} file(s) to ${SUITE_OUT_DIR} in ${Date.now() - started} ms`);
  return join(SUITE_OUT_DIR, 'index.js');
}

function main(): void {
  buildSuite().catch((error: unknown) => {
    console.error(`Could not compile the VS Code test suite: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}

// `tsx test/vscode/buildSuite.ts` (used by .vscode-test.mjs) compiles the suite on its own.
if (require.main === module) main();
