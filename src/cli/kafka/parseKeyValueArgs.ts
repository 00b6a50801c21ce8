/**
 * `--header source=cli --header run=7` or `--config retention.ms=60000` as pairs, in order (a
 * header may repeat). The value may contain `=`; the name may not be empty.
 */
export function parseKeyValueArgs(option: string, values: readonly string[]): [string, string][] {
  return values.map((value) => {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new Error(`Invalid ${option} "${value}": write it as name=value, for example ${option} source=cli.`);
    return [value.slice(0, eq), value.slice(eq + 1)];
  });
}

/** A whole number within bounds, for commander option parsers; the message names the option. */
export function parseIntegerOption(option: string, min: number): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min) {
      throw new Error(`Invalid ${option} "${value}": expected a whole number of at least ${min}.`);
    }
    return number;
  };
}
