import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDagText } from '../../core/dag/parseDagText';
import { compileDag } from '../../core/scheduler/compileDag';
import { testTaskAlone } from './testTaskAlone';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function dagOf(value: unknown) {
  const parsed = parseDagText(JSON.stringify(value));
  if (!parsed.dag) throw new Error(JSON.stringify(parsed.problems));
  return compileDag(parsed.dag);
}

describe('testTaskAlone', () => {
  it('runs one task without its upstream, streams its log, and records nothing in the workspace metadata', async () => {
    const workspace = await mkdtemp(path.join(tmpdir(), 'dagstream-test-task-'));
    dirs.push(workspace);
    const dag = dagOf({
      version: 1,
      dag_id: 'pair',
      schedule: '@daily',
      start_date: '2026-01-01',
      params: { who: { type: 'string', default: 'nobody' } },
      tasks: [
        { task_id: 'first', operator: 'bash', bash_command: 'exit 7' },
        { task_id: 'second', operator: 'bash', upstream: ['first'], bash_command: 'echo "hello {{ params.who }}"' },
      ],
    });
    let streamed = '';
    const outcome = await testTaskAlone(workspace, dag, 'second', { who: 'canvas' }, (_runId, _file, text) => (streamed += text));
    expect(outcome.state).toBe('success');
    expect(streamed).toContain('hello canvas');
    expect(await readFile(outcome.logFile, 'utf8')).toContain('hello canvas');
    expect(existsSync(path.join(workspace, '.dagstream', 'metadata.sqlite'))).toBe(false);
    const failed = await testTaskAlone(workspace, dag, 'first', {}, () => undefined);
    expect(failed.state).toBe('failed');
    expect(failed.error).toContain('7');
  });
});
