import { appendFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { followLogFile } from './followLogFile';

describe('followLogFile', () => {
  it('delivers complete lines as the file grows, and the rest when stopped', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'dagstream-follow-')), 'task.log');
    const received: string[] = [];
    const stop = followLogFile(file, (text) => received.push(text));
    writeFileSync(file, 'one\ntw');
    await new Promise((r) => setTimeout(r, 450));
    expect(received.join('')).toBe('one\n');
    appendFileSync(file, 'o\nthree');
    stop();
    expect(received.join('')).toBe('one\ntwo\nthree');
  });
});
