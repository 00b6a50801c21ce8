import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { createNewDag } from './createNewDag';
import { createSchemaAjv } from './createSchemaAjv';
import { OPERATORS, TRIGGER_RULES } from './dagFile';
import {
  dagPropertySchemas,
  durationKeysOf,
  loadDagSchema,
  operatorArgumentSchema,
  resolveSchemaRefs,
  taskPropertySchemas,
  type JsonSchema,
} from './dagSchema';
import { DAG_DATE_PATTERN } from './parseDagDate';
import { DURATION_PATTERN } from './parseDuration';

const WEATHER = path.resolve(__dirname, '../../../examples/weather.dag.json');

describe('schemas/dag.schema.json', () => {
  const schema = loadDagSchema();

  it('compiles with Ajv in strict mode, VS Code keywords and all', () => {
    expect(() => createSchemaAjv('strict').compile(schema)).not.toThrow();
  });

  it('is a valid draft-07 schema for any validator, not only ours', () => {
    // A plain Ajv that ignores the VS Code annotations, as another editor's validator would.
    const plain = new Ajv({ strict: false, allErrors: true });
    const validate = plain.compile(schema);
    expect(validate(JSON.parse(readFileSync(WEATHER, 'utf8')))).toBe(true);
  });

  it('accepts examples/weather.dag.json and the new-DAG template', () => {
    const validate = createSchemaAjv('strict').compile(schema);
    expect(validate(JSON.parse(readFileSync(WEATHER, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(JSON.parse(JSON.stringify(createNewDag('weather', '2026-01-01')))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('writes the duration and date grammars that parseDuration and parseDagDate read', () => {
    const definitions = schema.definitions as Record<string, JsonSchema>;
    expect(definitions.duration?.pattern).toBe(DURATION_PATTERN);
    expect(definitions.dagDate?.pattern).toBe(DAG_DATE_PATTERN);
  });

  it('lists the operators and trigger rules of dagFile.ts, with a description for each', () => {
    const operator = taskPropertySchemas().operator!;
    expect(operator.enum).toEqual([...OPERATORS]);
    expect(operator.enumDescriptions).toHaveLength(OPERATORS.length);
    const rule = taskPropertySchemas().trigger_rule!;
    expect(rule.enum).toEqual([...TRIGGER_RULES]);
    expect(rule.enumDescriptions).toHaveLength(TRIGGER_RULES.length);
  });

  it('describes every property, since descriptions become form hints and hover text', () => {
    const undescribed: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (record.properties && typeof record.properties === 'object') {
        for (const [key, property] of Object.entries(record.properties as Record<string, unknown>)) {
          const resolved = resolveSchemaRefs(property) as JsonSchema;
          // Inside `if` only the operator's constant matters; it documents nothing.
          if (typeof resolved.description !== 'string' && !where.includes('/if')) undescribed.push(`${where}/properties/${key}`);
        }
      }
      for (const [key, child] of Object.entries(record)) visit(child, `${where}/${key}`);
    };
    visit(schema, '#');
    expect(undescribed).toEqual([]);
  });
});

describe('operatorArgumentSchema', () => {
  it('describes every operator of dagFile.ts', () => {
    for (const operator of OPERATORS) {
      const args = operatorArgumentSchema(operator);
      expect(args, operator).toBeDefined();
      expect(args?.title.length, operator).toBeGreaterThan(0);
      expect(args?.description.length, operator).toBeGreaterThan(20);
    }
    expect(operatorArgumentSchema('teleport')).toBeUndefined();
  });

  it('gives a form what it needs: resolved property schemas, required keys and exclusive groups', () => {
    const bash = operatorArgumentSchema('bash')!;
    expect(bash.required).toEqual(['bash_command']);
    expect(bash.properties.bash_command).toMatchObject({ type: 'string', description: expect.stringContaining('templated') });
    expect(bash.properties.env).toMatchObject({ type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } });
    expect(operatorArgumentSchema('python')?.exactlyOneOf).toEqual([['code', 'code_file']]);
    expect(operatorArgumentSchema('http')?.atMostOneOf).toEqual([['data', 'json']]);
    expect(operatorArgumentSchema('http')?.properties.timeout).toMatchObject({ pattern: DURATION_PATTERN, default: '30s' });
    expect(operatorArgumentSchema('kafka.sink')?.properties.columns?.additionalProperties).toMatchObject({ required: ['path', 'type'] });
    expect(operatorArgumentSchema('empty')?.properties).toEqual({});
  });

  it('returns frozen views that callers cannot corrupt for each other', () => {
    const bash = operatorArgumentSchema('bash')!;
    expect(Object.isFrozen(bash.properties.bash_command)).toBe(true);
    expect(Object.isFrozen(loadDagSchema())).toBe(true);
  });
});

describe('durationKeysOf', () => {
  it('knows the common duration keys and each operator’s own', () => {
    expect([...durationKeysOf('bash')].sort()).toEqual(['execution_timeout', 'max_retry_delay', 'retry_delay']);
    expect(durationKeysOf('http').has('timeout')).toBe(true);
    expect(durationKeysOf('sensor.file').has('poke_interval')).toBe(true);
    expect(durationKeysOf('kafka.sink').has('checkpoint_interval')).toBe(true);
    expect(durationKeysOf('teleport').has('retry_delay')).toBe(true);
    expect(durationKeysOf().has('timeout')).toBe(true);
  });

  it('agrees with the top-level view of the schema', () => {
    expect(Object.keys(dagPropertySchemas())).toContain('render_template_as_native_obj');
  });
});
