import { describe, expect, it } from 'vitest';
import { parseTaskCodeQuery, taskCodeLanguage, toTaskCodeUriParts } from './taskCodeLocation';

describe('task code locations', () => {
  it('round-trips the DAG, task and field through the query, whatever characters they hold', () => {
    const location = { dagUri: 'file:///w/a b/weather.dag.json', taskId: 'load.v2-x', field: 'sql' };
    const parts = toTaskCodeUriParts(location, 'weather.dag.json', '.sql');
    expect(parts.path).toBe('/weather.dag.json/load.v2-x.sql.sql');
    expect(parseTaskCodeQuery(parts.query)).toEqual(location);
    expect(parseTaskCodeQuery('dag=x')).toBeUndefined();
  });

  it('picks the editor language of each code field', () => {
    expect(taskCodeLanguage('bash', 'bash_command', {})?.language).toBe('shellscript');
    expect(taskCodeLanguage('python', 'code', {})).toEqual({ language: 'python', extension: '.py' });
    expect(taskCodeLanguage('node', 'code', {})?.language).toBe('javascript');
    expect(taskCodeLanguage('node', 'code', { language: 'typescript' })).toEqual({ language: 'typescript', extension: '.ts' });
    expect(taskCodeLanguage('sql', 'sql', {})?.extension).toBe('.sql');
    expect(taskCodeLanguage('sensor.sql', 'sql', {})?.language).toBe('sql');
    expect(taskCodeLanguage('bash', 'cwd', {})).toBeUndefined();
  });
});
