import { readFile } from 'node:fs/promises';
import { parseDagText } from '../dag/parseDagText';

/** The `dag_id` of a DAG file, or an error listing its problems. */
export async function parseDagFileId(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read DAG file ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const parsed = parseDagText(text);
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !parsed.dag) {
    const lines = errors.map((p) => `${file}:${p.range.start.line + 1}:${p.range.start.character + 1}: error: ${p.message}`);
    throw new Error(`${file} is not a valid DAG file:\n${lines.join('\n')}`);
  }
  return parsed.dag.dag_id;
}
