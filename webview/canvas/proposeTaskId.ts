/**
 * The id the canvas proposes for a task dropped from the palette: `<operator>_<n>` with the first
 * free n (`kafka.produce` -> `kafka_produce_1`). The host makes the same choice and keeps this one
 * when it is still free, so the optimistic node and the written task agree.
 */
export function proposeTaskId(operator: string, taken: ReadonlySet<string>): string {
  const stem = operator.replace(/[^A-Za-z0-9_-]+/g, '_') || 'task';
  for (let n = 1; ; n++) {
    const candidate = `${stem}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
