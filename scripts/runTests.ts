import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/**
 * `npm test`: every stage in order — types, lint, unit, Kafka, VS Code — stopping at the first
 * failure, then one closing line `N passed, N failed` that counts the tests of every stage.
 */
const ROOT = path.resolve(__dirname, '..');

interface Stage {
  name: string;
  npmScript: string;
  args?: string[];
  /** Where the stage's vitest JSON report goes, to count its tests. */
  vitestReport?: string;
  /** Reads `label: N passed, N failed` from the stage's output instead. */
  summaryPrefix?: string;
}

const STAGES: Stage[] = [
  { name: 'types', npmScript: 'check-types' },
  { name: 'lint', npmScript: 'lint' },
  { name: 'unit', npmScript: 'test:unit', vitestReport: 'test-results/unit.json' },
  { name: 'kafka', npmScript: 'test:kafka', vitestReport: 'test-results/kafka.json' },
  // Dagstream against Apache Airflow 2.10.5's recorded results for the parity corpus; the live
  // comparison (`npm run test:airflow`) installs Airflow from PyPI and takes minutes.
  { name: 'airflow-parity', npmScript: 'test:airflow:recorded', summaryPrefix: '' },
  { name: 'vscode', npmScript: 'test:vscode', summaryPrefix: 'vscode:' },
];

function countVitest(report: string): { passed: number; failed: number } {
  const file = path.join(ROOT, report);
  if (!existsSync(file)) return { passed: 0, failed: 0 };
  const json = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number };
  return { passed: json.numPassedTests, failed: json.numFailedTests };
}

function main(): number {
  let passed = 0;
  let failed = 0;
  const started = Date.now();
  for (const stage of STAGES) {
    const stageStart = Date.now();
    process.stdout.write(`\n=== ${stage.name} (npm run ${stage.npmScript}) ===\n`);
    const extra = stage.vitestReport ? ['--', '--reporter=default', '--reporter=json', `--outputFile=${stage.vitestReport}`] : [];
    if (stage.vitestReport) rmSync(path.join(ROOT, stage.vitestReport), { force: true });
    const result = spawnSync('npm', ['run', '--silent', stage.npmScript, ...extra], {
      cwd: ROOT,
      stdio: stage.summaryPrefix ? ['inherit', 'pipe', 'inherit'] : 'inherit',
      encoding: 'utf8',
    });
    if (stage.summaryPrefix && result.stdout) {
      process.stdout.write(result.stdout);
      const match = new RegExp(`^${stage.summaryPrefix}\\s*(\\d+) passed, (\\d+) failed`, 'm').exec(result.stdout);
      if (match) {
        passed += Number(match[1]);
        failed += Number(match[2]);
      }
    }
    if (stage.vitestReport) {
      const counts = countVitest(stage.vitestReport);
      passed += counts.passed;
      failed += counts.failed;
    }
    const seconds = ((Date.now() - stageStart) / 1000).toFixed(1);
    if (result.status !== 0) {
      process.stdout.write(`\n=== ${stage.name} FAILED after ${seconds} s (exit ${String(result.status)}) ===\n`);
      process.stdout.write(`${passed} passed, ${Math.max(failed, 1)} failed\n`);
      return 1;
    }
    process.stdout.write(`=== ${stage.name} passed in ${seconds} s ===\n`);
  }
  process.stdout.write(`\nAll stages passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

process.exit(main());
