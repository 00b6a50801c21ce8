import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNewDag, serializeDag } from '../core/dag/createNewDag';
import { validateFiles } from './validateFiles';

describe('validateFiles', () => {
  it('passes valid files and reports problems as path:line:col: error: message', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagstream-validate-'));
    const good = path.join(dir, 'good.dag.json');
    const bad = path.join(dir, 'bad.dag.json');
    await writeFile(good, serializeDag(createNewDag('good', '2026-01-01')));
    await writeFile(bad, '{\n  "version": 1,\n  "dag_id": "bad",\n  "tasks": [\n    { "task_id": "a", "operator": "bash", "upstream": ["b"] },\n    { "task_id": "b", "operator": "bash", "upstream": ["a"] }\n  ]\n}\n');

    expect(await validateFiles([good])).toEqual({ lines: [], exitCode: 0 });
    const outcome = await validateFiles([good, bad, path.join(dir, 'missing.dag.json')]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.lines).toEqual([
      `${bad}:5:56: error: Dependency cycle: b -> a -> b. Remove one of these upstream links.`,
      `${path.join(dir, 'missing.dag.json')}:1:1: error: cannot read the DAG file (no such file).`,
    ]);
  });
});
