import { afterAll, describe, expect, it } from 'vitest';
import { createTestRunContext, removeTestWorkspaces } from '../executor/createTestRunContext';
import { renderTemplate, renderTemplates } from './renderTemplate';
import { TemplateError } from './TemplateError';

const context = createTestRunContext({
  params: { city: 'Lisbon', limits: { max: 40 }, days: [1, 2] },
  xcoms: { extract: { city: 'Lisbon', temperature_c: 31.5 }, count: 3, name: 'lisbon' },
}).template;

function renderError(value: unknown, argument = 'bash_command'): TemplateError {
  try {
    renderTemplates(value, context, { argument });
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

afterAll(removeTestWorkspaces);

describe('renderTemplates', () => {
  it('renders Airflow context variables and params', () => {
    expect(renderTemplate('echo {{ ds }} {{ ds_nodash }} {{ run_id }} {{ params.city }}', context)).toBe(
      'echo 2026-11-25 20261125 manual__2026-11-25T13:00:00+00:00 Lisbon',
    );
    expect(renderTemplate('{{ data_interval_start }}/{{ data_interval_end }} {{ dag.dag_id }}.{{ task.task_id }}', context)).toBe(
      '2026-11-25 13:00:00+00:00/2026-11-25 14:00:00+00:00 weather.task',
    );
  });

  it('pulls XComs; objects and lists print as JSON', () => {
    expect(renderTemplate("{{ ti.xcom_pull('name') }}", context)).toBe('lisbon');
    expect(renderTemplate("{{ ti.xcom_pull('extract') }}", context)).toBe('{"city":"Lisbon","temperature_c":31.5}');
    expect(renderTemplate("{{ ti.xcom_pull('extract').temperature_c }}", context)).toBe('31.5');
    expect(renderTemplate("{{ ti.xcom_pull(['name', 'count']) }}", context)).toBe('["lisbon",3]');
    expect(renderTemplate("{{ ti.xcom_pull(task_ids='count') + 1 }}", context)).toBe('4');
    expect(renderTemplate("{{ task_instance.xcom_pull('name') | upper }}", context)).toBe('LISBON');
    expect(renderTemplate('{{ params.limits }} {{ params.days }}', context)).toBe('{"max":40} [1,2]');
  });

  it('has a tojson filter and macros.ds_add', () => {
    expect(renderTemplate("{{ ti.xcom_pull('extract') | tojson }}", context)).toBe('{"city":"Lisbon","temperature_c":31.5}');
    expect(renderTemplate("{{ 'a\"b' | tojson }}", context)).toBe('"a\\"b"');
    expect(renderTemplate('{{ macros.ds_add(ds, 7) }}', context)).toBe('2026-12-02');
  });

  it('walks objects and arrays, rendering values but not keys, leaving non-strings alone', () => {
    const rendered = renderTemplates({ '{{ ds }}': '{{ ds }}', list: ['{{ params.city }}', 3, true, null], nested: { n: 1 } }, context);
    expect(rendered).toEqual({ '{{ ds }}': '2026-11-25', list: ['Lisbon', 3, true, null], nested: { n: 1 } });
  });

  it('does not touch strings without template syntax (no autoescape either)', () => {
    expect(renderTemplate('a < b && c > "d" { not a tag }', context)).toBe('a < b && c > "d" { not a tag }');
    expect(renderTemplate('{{ "<b>&" }}', context)).toBe('<b>&');
  });

  it('fails on an undefined param, naming the argument and the expression', () => {
    const error = renderError({ env: { CITY: 'x {{ params.missing }} y' } }, 'task');
    expect(error.argument).toBe('task.env.CITY');
    expect(error.expression).toBe('{{ params.missing }}');
    expect(error.message).toContain('Could not render the template in "task.env.CITY": {{ params.missing }} is undefined');
    expect(error.message).toContain('Add "missing" to the DAG\'s params');
  });

  it('fails on an undefined variable on any line, but prints a missing XCom as None (StrictUndefined, as Airflow)', () => {
    expect(renderError('line 1\n  echo {{ nope }}').expression).toBe('{{ nope }}');
    expect(renderTemplate("got {{ ti.xcom_pull('ghost') }}", context)).toBe('got None');
    expect(renderTemplate("{% if ti.xcom_pull('ghost') %}yes{% else %}no{% endif %}", context)).toBe('no');
  });

  it('offers Airflow date-times, their filters and dag_run', () => {
    expect(
      renderTemplate("{{ logical_date.strftime('%Y/%m/%d') }} {{ logical_date | ds_nodash }} {{ logical_date | ts_nodash }}", context),
    ).toBe('2026/11/25 20261125 20261125T130000');
    expect(renderTemplate('{{ dag_run.run_id }} {{ dag_run.run_type }} {{ dag_run.logical_date | ds }}', context)).toBe(
      'manual__2026-11-25T13:00:00+00:00 manual 2026-11-25',
    );
    expect(renderTemplate('{{ dag_run.conf.get("limit", 10) }} {{ params.get("city") }} {{ params.get("nope", "x") }}', context)).toBe(
      '10 Lisbon x',
    );
  });

  it('accepts a default for optional values', () => {
    expect(renderTemplate("{{ params.missing | default('none') }}", context)).toBe('none');
  });

  it('reports syntax errors and unknown filters with the nunjucks message', () => {
    const syntax = renderError('echo {{ foo( }}');
    expect(syntax).toBeInstanceOf(TemplateError);
    expect(syntax.expression).toBe('{{ foo( }}');
    expect(syntax.message).toContain('unexpected token');
    expect(renderError('{{ ds | nofilter }}').message).toContain('filter not found: nofilter');
  });

  it('renders native values for a single expression with native: true', () => {
    const native = { native: true };
    expect(renderTemplates("{{ ti.xcom_pull('extract') }}", context, native)).toEqual({ city: 'Lisbon', temperature_c: 31.5 });
    expect(renderTemplates('{{ params.days }}', context, native)).toEqual([1, 2]);
    expect(renderTemplates(" {{ ti.xcom_pull('count') * 2 }} ", context, native)).toBe(6);
    expect(renderTemplates('{{ params.city }}', context, native)).toBe('Lisbon');
    // Not exactly one expression: rendered as a string, as Airflow would.
    expect(renderTemplates("n={{ ti.xcom_pull('count') }}", context, native)).toBe('n=3');
    expect(renderTemplates({ body: "{{ ti.xcom_pull('extract') }}" }, context, native)).toEqual({
      body: { city: 'Lisbon', temperature_c: 31.5 },
    });
    const result = renderTemplates("{{ ti.xcom_pull('extract') }}", context, native) as object;
    expect(JSON.stringify(result)).toBe('{"city":"Lisbon","temperature_c":31.5}');
    expect(Object.getOwnPropertyNames(result)).toEqual(['city', 'temperature_c']);
  });

  it('fails in native mode on an undefined value', () => {
    expect(() => renderTemplates('{{ params.missing }}', context, { native: true, argument: 'json' })).toThrow(
      'Could not render the template in "json": {{ params.missing }} is undefined',
    );
  });
});
