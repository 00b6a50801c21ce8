/**
 * Returns a copy of a JSON-like value whose objects and arrays print as JSON.
 *
 * nunjucks prints an object as `[object Object]` and an array as `a,b`; Airflow prints Python's
 * repr. Users of JSON XComs and params expect JSON, so the copies carry a non-enumerable
 * `toString` that returns their JSON. Non-enumerable means `tojson`, iteration and member access
 * are unaffected.
 */
export function withJsonToString(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy = value.map(withJsonToString);
    return defineJsonToString(copy, value);
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  // Only plain objects: a Date or a class instance keeps its own toString.
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = withJsonToString(item);
  return defineJsonToString(copy, value);
}

function defineJsonToString<T extends object>(copy: T, original: unknown): T {
  Object.defineProperty(copy, 'toString', { value: () => JSON.stringify(original), enumerable: false });
  return copy;
}

/** Deep copy of a rendered value without the helper `toString`s, for native rendering. */
export function withoutJsonToString(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(withoutJsonToString);
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = withoutJsonToString(item);
  return copy;
}
