import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

  it('counts a zombie (killed, not yet reaped by its parent) as dead', async () => {
    if (process.platform !== 'linux') return;
    // `sleep 5` (exec'd by sh) never reaps the background child, which stays a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(
        await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))),
      );
      for (let i = 0; i < 100 && !readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z'); i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(readFileSync(`/proc/${zombie}/stat`, 'utf8')).toContain(') Z');
      expect(isProcessAlive(zombie)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
