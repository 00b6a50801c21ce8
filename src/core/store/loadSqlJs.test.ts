import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSqlJs, locateSqlWasm } from './loadSqlJs';

describe('loadSqlJs', () => {
  it('prefers an existing wasmPath, and falls back to the installed package', () => {
    const installed = createRequire(__filename).resolve('sql.js/dist/sql-wasm.wasm');
    expect(locateSqlWasm(installed)).toBe(installed);
    expect(locateSqlWasm(path.join(__dirname, 'missing', 'sql-wasm.wasm'))).toBe(installed);
    expect(locateSqlWasm()).toBe(installed);
  });

  it('starts sql.js once per process', async () => {
    const [first, second] = await Promise.all([loadSqlJs(), loadSqlJs()]);
    expect(first).toBe(second);
    expect(await loadSqlJs('/elsewhere/sql-wasm.wasm')).toBe(first);
    const db = new first.Database();
    expect(db.exec('select sqlite_version()')[0]?.values[0]?.[0]).toMatch(/^3\./);
    db.close();
  });
});
