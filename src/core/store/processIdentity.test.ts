import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, processStartToken } from './processIdentity';

describe('processIdentity', () => {
  it('reads a stable start token for a live process (Linux)', () => {
    const token = processStartToken(process.pid);
    if (process.platform !== 'linux') return expect(token).toBeUndefined();
    expect(token).toMatch(/^\d+@[0-9a-f-]+$/);
    expect(processStartToken(process.pid)).toBe(token);
    expect(processStartToken(1)).not.toBe(token);
  });

  it('tells live, dead and recycled processes apart', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(process.pid, processStartToken(process.pid))).toBe(true);
    const exited = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    expect(isProcessAlive(exited)).toBe(false);
    expect(isProcessAlive(0)).toBe(false);
    expect(isProcessAlive(-5)).toBe(false);
    if (process.platform === 'linux') expect(isProcessAlive(process.pid, '1@some-other-boot')).toBe(false);
  });
});
