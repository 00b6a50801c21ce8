import { parseDagText } from '../src/core/dag/parseDagText';
import { medianMs, round, type BenchMetric } from './benchResult';

/** A layered DAG of `taskCount` tasks, each depending on up to three tasks of the layer before. */
export function syntheticDagText(taskCount: number): string {
  const width = 50;
  const tasks = Array.from({ length: taskCount }, (_, i) => {
    const layer = Math.floor(i / width);
    const upstream = layer === 0 ? [] : [0, 1, 2].map((k) => `task_${(layer - 1) * width + ((i + k) % width)}`);
    return {
      task_id: `task_${i}`,
      operator: 'bash',
      bash_command: `echo ${i}`,
      upstream,
      position: { x: layer * 300, y: (i % width) * 100 },
    };
  });
  return JSON.stringify({ version: 1, dag_id: 'big', schedule: null, tasks }, null, 2);
}

/**
 * Parsing and validating a DAG file runs on every keystroke in the canvas's document, so it is
 * compared with the floor, `JSON.parse` of the same text, in the same process and run.
 */
export function runDagParseSuite(): BenchMetric[] {
  const text = syntheticDagText(2_000);
  const megabytes = Buffer.byteLength(text) / 1024 ** 2;
  const parseMs = medianMs(() => parseDagText(text), 15);
  const jsonMs = medianMs(() => JSON.parse(text), 15);
  return [
    {
      name: 'parse_2000_tasks_ms',
      value: round(parseMs),
      unit: 'ms',
      note: `parseDagText of a 2,000-task DAG (${megabytes.toFixed(2)} MB), median of 15`,
    },
    { name: 'parse_ms_per_mb', value: round(parseMs / megabytes), unit: 'ms/MB', note: 'parseDagText time per MB of DAG text' },
    {
      name: 'parse_ratio_vs_json_parse',
      value: round(parseMs),
      unit: 'ms',
      baseline: round(jsonMs),
      ratio: round(parseMs / jsonMs),
      note: 'parseDagText (offsets, schema, checks, cycles) against JSON.parse of the same text',
    },
  ];
}
