import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeResultRowsToFile } from './writeResultRowsToFile';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dagstream-export-rows-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('writeResultRowsToFile', () => {
  const columns = ['id', 'city', 'id'];
  const rows = [
    [1, 'Paris, "FR"', null],
    [2, 'line\nbreak', 3.5],
    [3, '9007199254740993', new Uint8Array([1, 2, 255])],
  ];

  it('writes CSV that the sqlite3 tool imports back', () => {
    const dir = tempDir();
    const file = path.join(dir, 'out.csv');
    return writeResultRowsToFile(columns, rows, 'csv', file).then((result) => {
      expect(result.rows).toBe(3);
      const text = readFileSync(file, 'utf8');
      expect(text.split('\r\n')[0]).toBe('id,city,id');
      expect(text).toContain('1,"Paris, ""FR""",\r\n');
      expect(text).toContain('AQL/');
      const db = path.join(dir, 'back.db');
      execFileSync('sqlite3', [db, '.mode csv', `.import ${file} back`]);
      const count = execFileSync('sqlite3', [db, "SELECT count(*), max(city = 'line' || char(10) || 'break') FROM back"], {
        encoding: 'utf8',
      });
      expect(count.trim()).toBe('3|1');
    });
  });

  it('writes a JSON array of objects, duplicate names made unique, and leaves no temp file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'out.json');
    await writeResultRowsToFile(columns, rows, 'json', file);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
    expect(parsed).toEqual([
      { id: 1, city: 'Paris, "FR"', id_2: null },
      { id: 2, city: 'line\nbreak', id_2: 3.5 },
      { id: 3, city: '9007199254740993', id_2: 'AQL/' },
    ]);
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('reports a folder it cannot write and leaves nothing behind', async () => {
    const dir = tempDir();
    await expect(writeResultRowsToFile(columns, rows, 'csv', path.join(dir, 'missing', 'out.csv'))).rejects.toThrow(
      /Could not export 3 row\(s\) to .*out\.csv/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});
