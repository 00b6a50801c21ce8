import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/**
 * For tests: builds `entry` the way scripts/build.ts builds the CLI (same esbuild options) into
 * `outDir`, with the database worker's bundle and sql.js's WebAssembly beside it, as in dist/.
 * Returns the path of the entry's bundle, which plain `node` runs (no tsx, no source).
 */
export async function bundleWithSqliteWorker(entry: string, outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const shared: esbuild.BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
    mainFields: ['module', 'main'],
  };
  const outfile = path.join(outDir, `${path.basename(entry, '.ts')}.js`);
  await Promise.all([
    esbuild.build({ ...shared, entryPoints: [entry], outfile }),
    esbuild.build({ ...shared, entryPoints: [path.join(__dirname, 'sqliteWorkerMain.ts')], outfile: path.join(outDir, 'sqliteWorker.js') }),
  ]);
  copyFileSync(createRequire(__filename).resolve('sql.js/dist/sql-wasm.wasm'), path.join(outDir, 'sql-wasm.wasm'));
  return outfile;
}
