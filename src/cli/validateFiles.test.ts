import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNewDag, serializeDag } from '../core/dag/createNewDag';
import { validateFiles } from './validateFiles';

const EXAMPLE = path.resolve(__dirname, '../../examples/weather.dag.json');

describe('validateFiles', () => {
  it('passes valid files and reports problems as path:line:col: error: message', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagstream-validate-'));
    const good = path.join(dir, 'good.dag.json');
    const bad = path.join(dir, 'bad.dag.json');
    await writeFile(good, serializeDag(createNewDag('good', '2026-01-01')));
    await writeFile(
      bad,
      '{\n  "version": 1,\n  "dag_id": "bad",\n  "tasks": [\n    { "task_id": "a", "operator": "empty", "upstream": ["b"] },\n    { "task_id": "b", "operator": "empty", "upstream": ["a"] }\n  ]\n}\n',
    );

    expect(await validateFiles([good, EXAMPLE])).toEqual({ lines: [], exitCode: 0 });
    const outcome = await validateFiles([good, bad, path.join(dir, 'missing.dag.json'), dir]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.lines).toEqual([
      `${bad}:5:57: error: Dependency cycle: b -> a -> b. Remove one of these upstream links.`,
      `${path.join(dir, 'missing.dag.json')}:1:1: error: cannot read the DAG file (no such file).`,
      `${dir}:1:1: error: cannot read the DAG file (it is a folder; pass the *.dag.json files in it).`,
    ]);
  });

  it('prints warnings without failing, and counts columns as editors show them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagstream-validate-'));
    const file = path.join(dir, 'typo.dag.json');
    await writeFile(file, '\uFEFF{"version": 1, "dag_id": "t", "tasks": [], "shedule": null}');
    expect(await validateFiles([file])).toEqual({
      lines: [`${file}:1:44: warning: the DAG: unknown key "shedule"; did you mean "schedule"? Unknown keys are ignored.`],
      exitCode: 0,
    });
  });

  it('prints one precise line per defect of a broken file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagstream-validate-'));
    const file = path.join(dir, 'broken.dag.json');
    await writeFile(
      file,
      [
        '{',
        '  "version": 1,',
        '  "dag_id": "broken",',
        '  "schedule": "0 25 * * *",',
        '  "default_args": { "retry_delay": "5 mins" },',
        '  "tasks": [',
        '    { "task_id": "load", "operator": "bash" },',
        '    { "task_id": "report", "operator": "sql", "database": "db.sqlite", "sql": "SELECT 1", "upstream": ["lod"] }',
        '  ]',
        '}',
      ].join('\n'),
    );
    const outcome = await validateFiles([file]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.lines.map((line) => line.slice(file.length + 1, line.indexOf(': error:')))).toEqual(['4:15', '5:36', '7:5', '8:104']);
    expect(outcome.lines[2]).toBe(`${file}:7:5: error: Task "load": missing required "bash_command" for operator bash.`);
  });
});
