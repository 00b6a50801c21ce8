import Ajv from 'ajv';
import type { CompiledDag } from '../scheduler/compileDag';

/** The params of a triggered run, or what is wrong with the ones given. */
export type ResolvedParams = { ok: true; params: Record<string, unknown> } | { ok: false; errors: string[] };

/**
 * Applies `--param k=v` overrides to the DAG's param defaults and checks each value against its
 * param's JSON Schema, as Airflow checks `Param`s when a run is triggered. Values arrive as text
 * from the command line or a form: JSON is parsed when it parses (`3`, `true`, `["a"]`) and when
 * the param's type asks for it; otherwise the text is the value.
 */
export function resolveRunParams(dag: CompiledDag, overrides: Record<string, unknown>): ResolvedParams {
  const schemas = dag.file.params ?? {};
  const errors: string[] = [];
  const params: Record<string, unknown> = {};
  for (const name of Object.keys(overrides)) {
    if (!(name in schemas))
      errors.push(
        `Unknown param "${name}": DAG "${dag.dagId}" declares ${
          Object.keys(schemas).length === 0
            ? 'no params'
            : Object.keys(schemas)
                .map((n) => `"${n}"`)
                .join(', ')
        }.`,
      );
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const [name, schema] of Object.entries(schemas)) {
    const hasOverride = name in overrides;
    const value = hasOverride ? coerce(overrides[name], schema) : schema.default;
    if (!hasOverride && !('default' in schema)) {
      errors.push(`Param "${name}" has no default; pass it with --param ${name}=<value>.`);
      continue;
    }
    let validate;
    try {
      const { default: _ignored, ...rest } = schema;
      validate = ajv.compile(rest);
    } catch (error) {
      errors.push(`Param "${name}" has an invalid schema: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (!validate(value)) {
      const why = (validate.errors ?? []).map((e) => `${e.instancePath || 'value'} ${e.message ?? 'is invalid'}`).join('; ');
      errors.push(`Param "${name}" = ${JSON.stringify(value)} is invalid: ${why}.`);
      continue;
    }
    params[name] = value;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, params };
}

function coerce(raw: unknown, schema: Record<string, unknown>): unknown {
  if (typeof raw !== 'string') return raw;
  const type = schema.type;
  const wantsText =
    type === 'string' || (Array.isArray(type) && type.includes('string') && !type.some((t) => t !== 'string' && t !== 'null'));
  if (wantsText) return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
