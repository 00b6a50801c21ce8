import { DAG_FILE_VERSION, type DagFile } from './dagFile';

/** Names a user may give a new DAG: they become both the file name and the `dag_id`. */
const DAG_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Explains why `name` cannot name a new DAG, or returns undefined when it can. Airflow restricts
 * `dag_id` to alphanumerics, dashes, dots and underscores; we follow it so export stays direct.
 */
export function describeInvalidDagName(name: string): string | undefined {
  if (name.length === 0) return 'Enter a name, for example "weather".';
  if (name.length > 200) return 'A DAG name is at most 200 characters long.';
  if (name.endsWith('.dag.json')) return 'Enter the name without the ".dag.json" suffix.';
  if (!DAG_NAME_PATTERN.test(name)) {
    return 'Use letters, digits, "_", "-" and "." only, and do not start with "-" or ".".';
  }
  return undefined;
}

/**
 * A new DAG with two connected example tasks, so that a fresh canvas shows a node, an edge and
 * a runnable pipeline rather than an empty page.
 *
 * @param startDate ISO date of the first data interval; today in UTC by default.
 */
export function createNewDag(name: string, startDate: string = new Date().toISOString().slice(0, 10)): DagFile {
  const problem = describeInvalidDagName(name);
  if (problem) throw new Error(`Cannot create DAG "${name}": ${problem}`);
  return {
    version: DAG_FILE_VERSION,
    dag_id: name,
    description: `The ${name} pipeline.`,
    schedule: null,
    start_date: startDate,
    catchup: false,
    max_active_runs: 1,
    max_active_tasks: 16,
    params: {},
    default_args: {
      retries: 1,
      retry_delay: '5m',
    },
    tags: [],
    tasks: [
      {
        task_id: 'extract',
        operator: 'bash',
        bash_command: 'echo \'{"city": "Lisbon", "temperature_c": 31.5}\'',
        upstream: [],
        position: { x: 0, y: 0 },
      },
      {
        task_id: 'load',
        operator: 'bash',
        bash_command: 'echo "loaded {{ ti.xcom_pull(\'extract\') }}"',
        upstream: ['extract'],
        trigger_rule: 'all_success',
        position: { x: 280, y: 0 },
      },
    ],
  };
}

/** The text of a DAG file as Dagstream writes it: two-space JSON with a final newline. */
export function serializeDag(dag: DagFile): string {
  return `${JSON.stringify(dag, null, 2)}\n`;
}
