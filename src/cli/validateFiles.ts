import { readFile } from 'node:fs/promises';
import { parseDagText } from '../core/dag/parseDagText';

/** The outcome of `dagstream validate`: what to print and the exit code. */
export interface ValidateOutcome {
  lines: string[];
  exitCode: 0 | 1;
}

/**
 * Checks DAG files and reports each problem as `path:line:col: error: message` (one-based, like
 * compilers), which editors and CI annotate. Warnings (likely typos, repeated keys) are printed
 * as `warning:` and do not fail the check. A file that cannot be read is a problem too.
 */
export async function validateFiles(paths: readonly string[]): Promise<ValidateOutcome> {
  const lines: string[] = [];
  let errorCount = 0;
  for (const filePath of paths) {
    let text: string;
    try {
      text = await readFile(filePath, 'utf8');
    } catch (error) {
      lines.push(`${filePath}:1:1: error: cannot read the DAG file (${describeReadError(error)}).`);
      errorCount++;
      continue;
    }
    // Editors hide a byte order mark; count columns as they show them.
    if (text.startsWith('\uFEFF')) text = text.slice(1);
    for (const problem of parseDagText(text).problems) {
      const { line, character } = problem.range.start;
      lines.push(`${filePath}:${line + 1}:${character + 1}: ${problem.severity}: ${problem.message}`);
      if (problem.severity === 'error') errorCount++;
    }
  }
  return { lines, exitCode: errorCount === 0 ? 0 : 1 };
}

function describeReadError(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder; pass the *.dag.json files in it';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
