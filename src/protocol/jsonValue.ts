/**
 * JSON as it travels between the host and the webviews: what `JSON.parse` returns, typed, so that
 * values read from a DAG file and values typed into a form are checked rather than cast.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };

/** A path into a JSON document, as jsonc-parser and the DAG problems name it: `["tasks", 2, "retries"]`. */
export type JsonPath = (string | number)[];

const MAX_DEPTH = 64;

/** True for plain JSON (finite numbers, no functions or class instances), at most 64 levels deep. */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > MAX_DEPTH) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (isPlainObject(value)) return Object.values(value).every((item) => isJsonValue(item, depth + 1));
  return false;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return isPlainObject(value) && isJsonValue(value);
}

export function isJsonPath(value: unknown): value is JsonPath {
  return Array.isArray(value) && value.every((segment) => typeof segment === 'string' || (Number.isInteger(segment) && segment >= 0));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
