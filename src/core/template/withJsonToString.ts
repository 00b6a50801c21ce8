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
  return defineDictMethods(defineJsonToString(copy, value));
}

/**
 * Python's dict methods that Jinja templates written for Airflow call (`dag_run.conf.get('x', 1)`,
 * `params.items()`), non-enumerable so that iteration and `tojson` see only the data.
 */
function defineDictMethods(copy: Record<string, unknown>): Record<string, unknown> {
  const methods: Record<string, (...args: unknown[]) => unknown> = {
    get: (key, fallback = null) => (typeof key === 'string' && Object.hasOwn(copy, key) ? copy[key] : fallback),
    keys: () => Object.keys(copy),
    values: () => Object.values(copy),
    items: () => Object.entries(copy),
  };
  for (const [name, method] of Object.entries(methods)) {
    if (!Object.hasOwn(copy, name)) Object.defineProperty(copy, name, { value: method, enumerable: false });
  }
  return copy;
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
