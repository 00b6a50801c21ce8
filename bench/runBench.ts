import * as path from 'node:path';
import { runCanvasSuite } from './canvasSuite';
import { describeMachine, writeBenchReport, type BenchMetric } from './benchResult';
import { runDagParseSuite } from './dagParseSuite';
import { runKafkaSuite } from './kafkaSuite';
import { runSchedulerSuite } from './schedulerSuite';
import { runSqliteSuite } from './sqliteSuite';

/** `npm run bench [-- suite...]`: runs the named suites (all by default) and writes bench-results/. */
const SUITES: Record<string, () => BenchMetric[] | Promise<BenchMetric[]>> = {
  canvas: runCanvasSuite,
  'dag-parse': runDagParseSuite,
  scheduler: runSchedulerSuite,
  sqlite: runSqliteSuite,
  kafka: runKafkaSuite,
};

function formatMetric(m: BenchMetric): string {
  const comparison = m.ratio === undefined ? '' : ` vs ${m.baseline} baseline = ratio ${m.ratio}`;
  return `  ${m.name} = ${m.value} ${m.unit}${comparison}${m.target ? `  [target ${m.target}]` : ''}  (${m.note})`;
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(name in SUITES));
  if (unknown.length > 0)
    throw new Error(`Unknown benchmark suite(s) ${unknown.join(', ')}; available: ${Object.keys(SUITES).join(', ')}.`);
  for (const suite of requested.length > 0 ? requested : Object.keys(SUITES)) {
    const startedAt = new Date().toISOString();
    const results = await SUITES[suite]!();
    const file = await writeBenchReport(path.resolve(__dirname, '..'), { suite, startedAt, machine: describeMachine(), results });
    process.stdout.write(`${suite}:\n${results.map(formatMetric).join('\n')}\n  -> ${path.relative(process.cwd(), file)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
