import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

const WASM_FILE = 'sql-wasm.wasm';

let loading: Promise<SqlJsStatic> | undefined;

/**
 * sql.js compiled once per process: compiling the WebAssembly module costs tens of milliseconds
 * and every database can share it. The first caller's `wasmPath` wins.
 */
export function loadSqlJs(wasmPath?: string): Promise<SqlJsStatic> {
  if (!loading) {
    loading = initialise(wasmPath).catch((error: unknown) => {
      // A failed start must not poison the process: let a later call (say, with a wasmPath) retry.
      loading = undefined;
      throw error;
    });
  }
  return loading;
}

async function initialise(wasmPath: string | undefined): Promise<SqlJsStatic> {
  const file = locateSqlWasm(wasmPath);
  const bytes = readFileSync(file);
  // Handing sql.js the bytes keeps its own file lookup (which guesses paths) out of the way.
  const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    return await initSqlJs({ wasmBinary });
  } catch (error) {
    throw new Error(
      `Could not start SQLite (sql.js) from ${file}: ${error instanceof Error ? error.message : String(error)}. Reinstall or rebuild Dagstream (npm run build copies ${WASM_FILE} into dist/).`,
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
