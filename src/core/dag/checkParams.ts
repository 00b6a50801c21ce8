import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Node } from 'jsonc-parser';
import { createSchemaAjv } from './createSchemaAjv';
import { describeSchemaError } from './describeSchemaError';
import { findValue } from './findJsonNode';
import { keyOf, type ProblemCollector } from './ProblemCollector';
import { reportSchemaErrors } from './reportSchemaErrors';

/** What compiling one param's schema gave. */
type CompiledParam =
  { kind: 'valid'; validate: ValidateFunction } | { kind: 'invalid'; errors: ErrorObject[] } | { kind: 'unusable'; reason: string };

// Params are users' JSON Schemas, read leniently as Airflow's jsonschema does (unknown keywords
// such as "section" are fine). Compiling costs about a millisecond, and validation runs on every
// keystroke: compiled schemas are remembered by their text, a bounded number of them.
const compiled = new Map<string, CompiledParam>();
const MAX_REMEMBERED = 256;
let ajv: ReturnType<typeof createSchemaAjv> | undefined;

/**
 * Checks each param of `params`: its schema must be a valid JSON Schema, and its `default` must
 * satisfy it. A param without a default is an error in a scheduled DAG (scheduled runs have
 * nobody to ask for the value; Airflow refuses such DAGs too) and a warning otherwise.
 */
export function checkParams(root: Node, document: unknown, problems: ProblemCollector): void {
  const paramsNode = findValue(root, 'params');
  if (paramsNode?.type !== 'object') return;
  const params = asRecord(asRecord(document).params);
  const schedule = asRecord(document).schedule;
  const scheduled = typeof schedule === 'string' && schedule.trim() !== '';
  const seen = new Set<string>();
  // Last property first: with a repeated name the last one is the param the DAG gets.
  for (const property of [...(paramsNode.children ?? [])].reverse()) {
    const keyNode = keyOf(property);
    const schemaNode = property.children?.[1];
    const name = typeof keyNode?.value === 'string' ? keyNode.value : undefined;
    if (name === undefined || schemaNode?.type !== 'object' || seen.has(name)) continue;
    seen.add(name);
    const schema = asRecord(params[name]);
    const base = { node: schemaNode, path: ['params', name] };
    const checked = compileParam(schema);
    if (checked.kind === 'invalid') {
      reportSchemaErrors(checked.errors, base, document, problems, (error, _path, location) => ({
        code: 'invalid-param-schema',
        message: `${describeSchemaError(error, location)} Fix the param's JSON Schema.`,
      }));
      continue;
    }
    if (checked.kind === 'unusable') {
      problems.report('invalid-param-schema', `Param "${name}" has a schema that cannot be used: ${checked.reason}.`, keyNode, {
        path: ['params', name],
      });
      continue;
    }
    if (!Object.hasOwn(schema, 'default')) {
      const message = scheduled
        ? `Param "${name}" has no "default", which a scheduled DAG needs: scheduled runs have nobody to ask for the value. Add a "default".`
        : `Param "${name}" has no "default": every manual trigger will have to set it. Add a "default" to make it optional.`;
      problems.report('param-without-default', message, keyNode, { severity: scheduled ? 'error' : 'warning', path: ['params', name] });
      continue;
    }
    if (checked.validate(schema.default)) continue;
    const defaultNode = findValue(schemaNode, 'default');
    if (!defaultNode) continue;
    reportSchemaErrors(
      checked.validate.errors ?? [],
      { node: defaultNode, path: ['params', name, 'default'] },
      document,
      problems,
      (error, _path, location) => ({
        code: 'invalid-param-default',
        message: `${describeSchemaError(error, location)} The default must satisfy the param's own schema.`,
      }),
    );
  }
}

function compileParam(schema: Record<string, unknown>): CompiledParam {
  const key = JSON.stringify(schema);
  const known = compiled.get(key);
  if (known) return known;
  const result = compileFresh(schema);
  if (compiled.size >= MAX_REMEMBERED) compiled.clear();
  compiled.set(key, result);
  return result;
}

function compileFresh(schema: Record<string, unknown>): CompiledParam {
  ajv ??= createSchemaAjv('lenient');
  try {
    if (!ajv.validateSchema(schema)) return { kind: 'invalid', errors: [...(ajv.errors ?? [])] };
    if (JSON.stringify(schema).includes('"$async"')) return { kind: 'unusable', reason: '"$async" schemas are not supported' };
    const validate = ajv.compile(schema);
    return { kind: 'valid', validate };
  } catch (error) {
    return { kind: 'unusable', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    // Ajv keeps every schema it compiled, keyed by the object; ours are parsed anew on every
    // keystroke, so drop it (the compiled function stays usable) to keep memory bounded.
    try {
      ajv.removeSchema(schema);
    } catch {
      // Nothing was registered.
    }
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
