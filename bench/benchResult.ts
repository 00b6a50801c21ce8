import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import * as path from 'node:path';

/**
 * One measured figure of a benchmark suite. A ratio compares two things measured side by side
 * in the same run (never against a number remembered from another machine or day).
 */
export interface BenchMetric {
  name: string;
  value: number;
  unit: string;
  /** The same figure for the baseline it is compared with, when there is one. */
  baseline?: number;
  /** value / baseline. */
  ratio?: number;
  /** The target the figure is held to, as text (e.g. "< 1 ms"), when the issue sets one. */
  target?: string;
  /** What was measured and how, so the figure can be read without the code. */
  note: string;
}

/** The file each suite writes to bench-results/<suite>.json. */
export interface BenchReport {
  suite: string;
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  results: BenchMetric[];
}

export function describeMachine(): BenchReport['machine'] {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export async function writeBenchReport(root: string, report: BenchReport): Promise<string> {
  const dir = path.join(root, 'bench-results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${report.suite}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** Median of the per-iteration times of `fn`, after warm-up, in milliseconds. */
/** The p-th percentile (0..100) of a list of numbers, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Rounds for reports: figures are noisy beyond three significant decimals anyway. */
export function round(value: number, decimals = 3): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function medianMs(fn: () => void, iterations: number, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}
