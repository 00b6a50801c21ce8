import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** How to start the database worker: a built file, or TypeScript source behind tsx's loader. */
export interface SqliteWorkerScript {
  /** A file path, or (when `eval`) JavaScript source to run. */
  code: string;
  eval: boolean;
  /** For error messages. */
  description: string;
}

/** The worker's bundle, built by scripts/build.ts beside dist/extension.js and dist/cli.js. */
export const SQLITE_WORKER_BUNDLE = 'sqliteWorker.js';
const SOURCE = 'sqliteWorkerMain.ts';

/**
 * Finds the worker to start. In the bundles (extension, CLI) this code sits in dist/, beside the
 * worker's own bundle. Run from source (vitest, tsx: the benchmarks, the CLI in development) it
 * sits beside sqliteWorkerMain.ts, which a worker cannot load on its own: Node does not know
 * TypeScript, and `--import tsx` in a worker's execArgv does not register the loader for the
 * worker (Node 20). So the worker starts from a two-line script that registers tsx's CommonJS
 * hook first, then requires the source.
 */
export function resolveSqliteWorkerScript(explicit?: string): SqliteWorkerScript {
  if (explicit !== undefined) {
    if (!existsSync(explicit))
      throw new Error(`The SQLite worker script ${explicit} does not exist. Build it with "npm run build", or pass another path.`);
    return explicit.endsWith('.ts') ? fromSource(explicit) : { code: explicit, eval: false, description: explicit };
  }
  const bundled = path.join(__dirname, SQLITE_WORKER_BUNDLE);
  if (existsSync(bundled)) return { code: bundled, eval: false, description: bundled };
  const source = path.join(__dirname, SOURCE);
  if (existsSync(source)) return fromSource(source);
  throw new Error(
    `Could not find the SQLite worker (looked for ${bundled} and ${source}). Rebuild Dagstream with "npm run build", which writes ${SQLITE_WORKER_BUNDLE} into dist/.`,
  );
}

function fromSource(source: string): SqliteWorkerScript {
  let tsx: string;
  try {
    tsx = createRequire(__filename).resolve('tsx/cjs');
  } catch (error) {
    throw new Error(
      `The SQLite worker runs from TypeScript source here (${source}), which needs tsx, but tsx is not installed: ${(error as Error).message}. Run "npm install", or use the built extension/CLI.`,
      { cause: error },
    );
  }
  return {
    code: `require(${JSON.stringify(tsx)});\nrequire(${JSON.stringify(source)});\n`,
    eval: true,
    description: `${source} (through tsx)`,
  };
}
