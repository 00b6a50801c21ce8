/**
 * `source=api, trace=7` as typed into one input box: pairs in order (a header may repeat), the
 * value may hold `=`, the name may not be empty. Returns why not as a sentence for the input
 * box's validation message.
 */
export function parseKeyValueList(text: string, example: string): { key: string; value: string }[] | string {
  const pairs: { key: string; value: string }[] = [];
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (!entry) continue;
    const eq = entry.indexOf('=');
    if (eq <= 0 || entry.slice(0, eq).trim() === '') return `"${entry}" is not name=value (e.g. ${example}).`;
    pairs.push({ key: entry.slice(0, eq).trim(), value: entry.slice(eq + 1).trim() });
  }
  return pairs;
}
