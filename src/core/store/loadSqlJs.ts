import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

const WASM_FILE = 'sql-wasm.wasm';

/** Node's WebAssembly API (the project's TypeScript libs declare no WebAssembly global). */
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<WebAssembly.Module>;
  Instance: new (module: WebAssembly.Module, imports: unknown) => object;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let loading: Promise<SqlJsStatic> | undefined;
const compiling = new Map<string, Promise<WebAssembly.Module>>();

/**
 * sql.js compiled once per process: compiling the WebAssembly module costs tens of milliseconds
 * and every database can share it. The first caller's `wasmPath` wins. `compiled`: the module
 * compiled by another thread (see compileSqlWasm), so that this one skips compiling it.
 */
export function loadSqlJs(wasmPath?: string, compiled?: WebAssembly.Module): Promise<SqlJsStatic> {
  if (!loading) {
    loading = initialise(wasmPath, compiled).catch((error: unknown) => {
      // A failed start must not poison the process: let a later call (say, with a wasmPath) retry.
      loading = undefined;
      throw error;
    });
  }
  return loading;
}

/**
 * sql.js's WebAssembly compiled once per process and file, to hand to database workers: a
 * worker that compiled its own copy would pay the compile and, for its first seconds, run
 * baseline code while V8 optimises the hot functions again in the background. A module posted
 * to a worker shares the compiled (and already optimised) code.
 */
export function compileSqlWasm(wasmPath?: string): Promise<WebAssembly.Module> {
  const file = locateSqlWasm(wasmPath);
  let module = compiling.get(file);
  if (!module) {
    module = webAssembly.compile(readFileSync(file)).catch((error: unknown) => {
      compiling.delete(file);
      throw new Error(
        `Could not compile SQLite (sql.js) from ${file}: ${error instanceof Error ? error.message : String(error)}. Reinstall or rebuild Dagstream (npm run build copies ${WASM_FILE} into dist/).`,
        { cause: error },
      );
    });
    compiling.set(file, module);
  }
  return module;
}

async function initialise(wasmPath: string | undefined, compiled: WebAssembly.Module | undefined): Promise<SqlJsStatic> {
  const module = compiled ?? (await compileSqlWasm(wasmPath));
  try {
    // Instantiating the compiled module keeps sql.js's own file lookup (which guesses paths) out of the way.
    return await initSqlJs({
      instantiateWasm: (imports, receive) => {
        receive(new webAssembly.Instance(module, imports));
        return {};
      },
    });
  } catch (error) {
    throw new Error(
      `Could not start SQLite (sql.js): ${error instanceof Error ? error.message : String(error)}. Reinstall or rebuild Dagstream (npm run build copies ${WASM_FILE} into dist/).`,
      { cause: error },
    );
  }
}

/** Explicit path, then beside the bundle (dist/), then the installed sql.js package (tests, tsx). */
export function locateSqlWasm(wasmPath?: string): string {
  const tried: string[] = [];
  const candidates: (() => string | undefined)[] = [
    () => wasmPath,
    () => path.join(__dirname, WASM_FILE),
    () => {
      try {
        return createRequire(__filename).resolve(`sql.js/dist/${WASM_FILE}`);
      } catch {
        tried.push(`sql.js/dist/${WASM_FILE} (package not resolvable)`);
        return undefined;
      }
    },
  ];
  for (const candidate of candidates) {
    const file = candidate();
    if (file === undefined) continue;
    if (existsSync(file)) return file;
    tried.push(file);
  }
  throw new Error(
    `Could not find sql.js's ${WASM_FILE} (tried ${tried.join(', ')}). Rebuild Dagstream with "npm run build", which copies it into dist/, or pass its location as wasmPath.`,
  );
}
