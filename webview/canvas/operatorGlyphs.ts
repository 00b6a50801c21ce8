/** Short glyphs per operator, so nodes and palette entries are told apart without reading. */
const OPERATOR_GLYPHS: Readonly<Record<string, string>> = {
  empty: '○',
  bash: '$',
  python: 'Py',
  node: 'JS',
  http: '⇣',
  sql: '⛁',
  'kafka.produce': 'K→',
  'kafka.consume': '→K',
  'kafka.sink': 'K⛁',
  'sensor.kafka': '◔K',
  'sensor.sql': '◔⛁',
  'sensor.file': '◔F',
};

export function glyphFor(operator: string): string {
  return OPERATOR_GLYPHS[operator] ?? (operator.startsWith('sensor.') ? '◔' : '?');
}
