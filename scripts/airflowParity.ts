import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..');
const HARNESS = join(REPO_ROOT, 'test', 'airflow', 'run_parity.py');

/**
 * `npm run test:airflow [-- <dag stems> --jobs 2 --use-recorded ...]`: runs the Airflow parity
 * corpus (test/airflow/dags) through a real Apache Airflow 2 and through `dagstream test`, and
 * fails on any difference in task states, tries or run state. The harness is Python because it
 * drives Airflow and reads Airflow's metadata database; see test/airflow/README.md.
 */
function main(): number {
  const python = process.env.DAGSTREAM_PARITY_PYTHON ?? 'python3';
  const result = spawnSync(python, [HARNESS, ...process.argv.slice(2)], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.error) {
    console.error(
      `Could not start ${python} to run ${HARNESS}: ${result.error.message}. Install Python 3.9-3.12 or set DAGSTREAM_PARITY_PYTHON.`,
    );
    return 2;
  }
  return result.status ?? 1;
}

process.exit(main());
