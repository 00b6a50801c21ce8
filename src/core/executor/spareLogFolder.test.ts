import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareSpareLogFolder, takeSpareLogFolder } from './spareLogFolder';
import { TaskLog } from './TaskLog';

const workspaces: string[] = [];
afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

function logsFolder(): string {
  const workspace = mkdtempSync(path.join(tmpdir(), 'dagstream-spare-'));
  workspaces.push(workspace);
  const logs = path.join(workspace, '.dagstream', 'logs');
  mkdirSync(path.join(logs, 'dag'), { recursive: true });
  return logs;
}

describe('spare log folders', () => {
  it('moves a prepared folder into place for a first try, then prepares the next one', () => {
    const logs = logsFolder();
    const first = path.join(logs, 'dag', 'run', 'a');
    prepareSpareLogFolder(first);
    expect(readdirSync(logs).sort()).toEqual(['dag', '~next-try']);

    // The run's folder does not exist yet: it is made, and the spare moved into it.
    const log = TaskLog.open(path.join(first, '1.log'), 'bash');
    log.info('hello');
    void log.close();
    expect(existsSync(path.join(logs, '~next-try'))).toBe(false);
    expect(readFileSync(path.join(first, '1.log'), 'utf8')).toMatch(/^\[.*\] \{dagstream\.bash\} INFO - hello\n$/);

    // None left: the next try makes its own folder.
    const second = path.join(logs, 'dag', 'run', 'b');
    expect(takeSpareLogFolder(second)).toBe(false);
    prepareSpareLogFolder(second);
    expect(takeSpareLogFolder(second)).toBe(true);
    expect(readdirSync(second)).toEqual(['1.log']);
    expect(readFileSync(path.join(second, '1.log'), 'utf8')).toBe('');
  });

  it('leaves an existing task folder alone (a later try) and keeps the spare', () => {
    const logs = logsFolder();
    const folder = path.join(logs, 'dag', 'run', 'a');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, '1.log'), 'first try\n');
    prepareSpareLogFolder(folder);
    expect(takeSpareLogFolder(folder)).toBe(false);
    expect(readFileSync(path.join(folder, '1.log'), 'utf8')).toBe('first try\n');
    // Still there, and used by the next one who asks once it is known again.
    prepareSpareLogFolder(folder);
    expect(takeSpareLogFolder(path.join(logs, 'dag', 'run', 'b'))).toBe(true);
  });

  it('falls back when another engine took the spare', () => {
    const logs = logsFolder();
    const folder = path.join(logs, 'dag', 'run', 'a');
    prepareSpareLogFolder(folder);
    rmSync(path.join(logs, '~next-try'), { recursive: true });
    expect(takeSpareLogFolder(folder)).toBe(false);
    const log = TaskLog.open(path.join(folder, '1.log'), 'bash');
    void log.close();
    expect(existsSync(path.join(folder, '1.log'))).toBe(true);
  });

  it('does nothing for log files outside a `logs/<dag>/<run>/<task>` layout', () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'dagstream-spare-'));
    workspaces.push(workspace);
    const folder = path.join(workspace, 'elsewhere', 'task');
    mkdirSync(folder, { recursive: true });
    prepareSpareLogFolder(folder);
    expect(readdirSync(workspace)).toEqual(['elsewhere']);
    expect(takeSpareLogFolder(path.join(workspace, 'elsewhere', 'other'))).toBe(false);
  });
});
