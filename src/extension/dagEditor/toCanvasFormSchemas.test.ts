import { describe, expect, it } from 'vitest';
import { OPERATORS } from '../../core/dag/dagFile';
import { toCanvasFormSchemas } from './toCanvasFormSchemas';

describe('toCanvasFormSchemas', () => {
  const schemas = toCanvasFormSchemas();
  const operator = (name: string) => schemas.operators.find((o) => o.operator === name)!;
  const field = (op: string, key: string) => operator(op).fields.find((f) => f.key === key)!;

  it('offers every operator of the engine, each in a palette group', () => {
    expect(schemas.operators.map((o) => o.operator)).toEqual([...OPERATORS]);
    const groups = new Set(schemas.groups.map((g) => g.id));
    for (const o of schemas.operators) expect(groups.has(o.group)).toBe(true);
    expect(operator('kafka.sink')).toMatchObject({ title: 'Kafka sink to SQLite', group: 'kafka' });
    expect(operator('sensor.file').group).toBe('sensors');
  });

  it('puts required arguments first and generates the right input for each', () => {
    expect(
      operator('kafka.sink')
        .fields.slice(0, 4)
        .map((f) => [f.key, f.required]),
    ).toEqual([
      ['topics', true],
      ['database', true],
      ['table', true],
      ['columns', true],
    ]);
    expect(field('bash', 'bash_command')).toMatchObject({ kind: 'code', language: 'shellscript', required: true });
    expect(field('python', 'code')).toMatchObject({ kind: 'code', language: 'python' });
    expect(field('python', 'code_file')).toMatchObject({ kind: 'text', language: 'python' });
    expect(field('sql', 'sql')).toMatchObject({ kind: 'code', language: 'sql' });
    expect(field('http', 'method')).toMatchObject({ kind: 'enum', default: 'GET' });
    expect(field('http', 'method').options?.map((o) => o.value)).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    expect(field('http', 'timeout').kind).toBe('duration');
    expect(field('kafka.produce', 'acks')).toMatchObject({ kind: 'enum', options: [{ value: -1 }, { value: 0 }, { value: 1 }] });
    expect(field('kafka.consume', 'topics')).toMatchObject({ kind: 'list', listOrString: true });
    expect(field('kafka.produce', 'messages')).toMatchObject({ kind: 'json', allowsString: true });
    expect(field('bash', 'env').kind).toBe('json');
    expect(field('bash', 'append_env')).toMatchObject({ kind: 'boolean', default: false });
    expect(field('sensor.file', 'poke_interval').kind).toBe('duration');
  });

  it('describes the task-wide, DAG and default_args fields', () => {
    const task = new Map(schemas.taskFields.map((f) => [f.key, f]));
    expect([...task.keys()]).not.toContain('task_id');
    expect(task.get('trigger_rule')?.kind).toBe('enum');
    expect(task.get('trigger_rule')?.options).toHaveLength(11);
    expect(task.get('retries')?.kind).toBe('integer');
    expect(task.get('retry_delay')?.kind).toBe('duration');
    expect(task.get('pool')?.kind).toBe('text');
    expect(task.get('priority_weight')?.kind).toBe('integer');
    const dag = new Map(schemas.dagFields.map((f) => [f.key, f]));
    expect(dag.get('schedule')?.kind).toBe('schedule');
    expect(dag.get('start_date')?.kind).toBe('date');
    expect(dag.get('catchup')?.kind).toBe('boolean');
    expect(dag.get('tags')?.kind).toBe('list');
    expect(dag.get('dag_id')?.required).toBe(true);
    expect([...dag.keys()]).not.toContain('tasks');
    expect(schemas.defaultArgsFields.map((f) => f.key)).toContain('execution_timeout');
  });
});
