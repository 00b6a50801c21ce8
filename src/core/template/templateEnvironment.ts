import nunjucks from 'nunjucks';
import { AirflowDateTime } from './AirflowDateTime';

let environment: nunjucks.Environment | undefined;

/**
 * The process's one nunjucks environment: no loader (templates are task arguments, never files,
 * so `{% include %}` cannot read the disk), no autoescape (task arguments are commands and URLs,
 * not HTML), and `throwOnUndefined` so that a typo such as `{{ params.citty }}` fails the task
 * instead of silently rendering an empty string. Its own instance, not `nunjucks.configure`,
 * so nothing else in the process can change these settings.
 */
export function getTemplateEnvironment(): nunjucks.Environment {
  if (environment) return environment;
  const created = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
  // Jinja's `tojson`, which Airflow users reach for; `indent` as in Jinja.
  created.addFilter('tojson', (value: unknown, indent?: unknown) =>
    JSON.stringify(value ?? null, null, typeof indent === 'number' ? indent : undefined),
  );
  // Airflow's own filters (airflow/templates.py) over a date-time.
  created.addFilter('ds', (value: unknown) => asDateTime(value, 'ds').strftime('%Y-%m-%d'));
  created.addFilter('ds_nodash', (value: unknown) => asDateTime(value, 'ds_nodash').strftime('%Y%m%d'));
  created.addFilter('ts', (value: unknown) => asDateTime(value, 'ts').isoformat());
  created.addFilter('ts_nodash', (value: unknown) => asDateTime(value, 'ts_nodash').strftime('%Y%m%dT%H%M%S'));
  created.addFilter('ts_nodash_with_tz', (value: unknown) => asDateTime(value, 'ts_nodash_with_tz').isoformat().replace(/[-:]/g, ''));
  printNoneAsPython();
  environment = created;
  return created;
}

function asDateTime(value: unknown, filter: string): AirflowDateTime {
  if (value instanceof AirflowDateTime) return value;
  const parsed = AirflowDateTime.from(value);
  if (parsed instanceof AirflowDateTime) return parsed;
  throw new Error(`The ${filter} filter needs a date-time such as logical_date, got ${JSON.stringify(value)}`);
}

/**
 * Airflow renders with Jinja's StrictUndefined: an undefined name fails the task, but a value that
 * is None (an XCom of a task that returned nothing) prints as `None`. nunjucks's
 * `throwOnUndefined` rejects both, so its check is narrowed to undefined. nunjucks is used by
 * nothing else in this process, and the compiled templates look the check up at call time.
 */
function printNoneAsPython(): void {
  const runtime = nunjucks.runtime as unknown as { ensureDefined: (value: unknown, line: number, column: number) => unknown };
  const original = runtime.ensureDefined;
  if ((original as { patchedByDagstream?: boolean }).patchedByDagstream) return;
  const patched = (value: unknown, line: number, column: number): unknown => (value === null ? 'None' : original(value, line, column));
  Object.assign(patched, { patchedByDagstream: true });
  runtime.ensureDefined = patched;
}
