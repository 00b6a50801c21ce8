import nunjucks from 'nunjucks';

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
  environment = created;
  return created;
}
