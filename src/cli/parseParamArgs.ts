/** `--param city=Lisbon --param days=3` -> `{ city: 'Lisbon', days: '3' }`; types come from the param schemas. */
export function parseParamArgs(values: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new Error(`Invalid --param "${value}": write it as name=value, for example --param city=Lisbon.`);
    params[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return params;
}

/** Commander's collector for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
