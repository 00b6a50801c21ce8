import type { BindParams, SqlValue as SqlJsValue } from 'sql.js';
import type { SqlParameterUse } from './scanSqlText';
import type { SqlParameters } from './sqliteTypes';

/**
 * Turns the caller's parameters into what sql.js binds, for one statement, or throws a message
 * that says which placeholder is the problem. sql.js on its own binds a missing placeholder as
 * NULL and ignores unknown names, which turns a typo into silently wrong rows.
 *
 * `lenient` is for scripts: the same parameters go to every statement (as Airflow passes them),
 * so a statement without placeholders ignores them and names unused by one statement are fine.
 */
export function bindParameters(use: SqlParameterUse, params: SqlParameters | undefined, lenient: boolean): BindParams | undefined {
  const needsAny = use.positional > 0 || use.named.length > 0;
  if (params === undefined || params === null) {
    if (!needsAny) return undefined;
    throw new Error(`the statement has placeholders (${describeUse(use)}) but no parameters were given`);
  }
  if (!needsAny) {
    if (lenient || isEmpty(params)) return undefined;
    throw new Error('parameters were given but the statement has no placeholders (?, :name)');
  }
  if (Array.isArray(params)) return bindList(use, params as readonly unknown[]);
  return bindObject(use, params as Readonly<Record<string, unknown>>);
}

function bindList(use: SqlParameterUse, params: readonly unknown[]): SqlJsValue[] {
  if (use.named.length > 0)
    throw new Error(`the statement uses named placeholders (${use.named.join(', ')}); give the parameters as an object, not a list`);
  if (params.length !== use.positional)
    throw new Error(`the statement has ${use.positional} placeholder(s) (?) but ${params.length} parameter(s) were given`);
  return params.map((value, i) => toSqlValue(value, `parameter ${i + 1}`));
}

function bindObject(use: SqlParameterUse, params: Readonly<Record<string, unknown>>): BindParams {
  if (use.positional > 0 && use.named.length > 0)
    throw new Error(`the statement mixes ? and named placeholders (${use.named.join(', ')}); use one kind`);
  const missing: string[] = [];
  if (use.positional > 0) {
    // {"1": ..., "2": ...} for ? / ?NNN: sql.js binds those by position only (a bare ? has no name).
    const values: SqlJsValue[] = [];
    for (let index = 1; index <= use.positional; index++) {
      const key = String(index);
      if (Object.hasOwn(params, key)) values.push(toSqlValue(params[key], `parameter ?${index}`));
      else missing.push(`?${index}`);
    }
    if (missing.length === 0) return values;
  } else {
    const bound: Record<string, SqlJsValue> = {};
    for (const name of use.named) {
      const bare = name.slice(1);
      const key = Object.hasOwn(params, name) ? name : Object.hasOwn(params, bare) ? bare : undefined;
      if (key === undefined) missing.push(name);
      else bound[name] = toSqlValue(params[key], `parameter ${name}`);
    }
    if (missing.length === 0) return bound;
  }
  const given = Object.keys(params);
  throw new Error(
    `no value for ${missing.join(', ')} (given: ${given.length > 0 ? given.join(', ') : 'none'}); add ${missing.length > 1 ? 'them' : 'it'} to the parameters`,
  );
}

/** What a bound parameter becomes in SQLite. */
export function toSqlValue(value: unknown, what: string): SqlJsValue {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      // SQLite would store NaN as NULL and has no infinities in its text form: refuse both rather than guess.
      if (!Number.isFinite(value)) throw new Error(`${what} is ${value}, which SQLite cannot store; pass null or a finite number`);
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'bigint':
      // Exact as text; INTEGER columns convert it back to an exact 64-bit integer.
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'undefined':
      throw new Error(`${what} is undefined; pass null for SQL NULL`);
    case 'object':
      if (value === null) return null;
      if (value instanceof Uint8Array) return value;
      return JSON.stringify(value);
    default:
      throw new Error(`${what} is a ${typeof value}, which cannot be stored in SQLite`);
  }
}

function isEmpty(params: SqlParameters): boolean {
  return Array.isArray(params) ? params.length === 0 : Object.keys(params).length === 0;
}

function describeUse(use: SqlParameterUse): string {
  return [...(use.positional > 0 ? [`${use.positional} positional`] : []), ...use.named].join(', ');
}
