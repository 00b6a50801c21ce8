import { readFile } from 'node:fs/promises';
import { parseDagText } from '../core/dag/parseDagText';

/** The outcome of `dagstream validate`: what to print and the exit code. */
export interface ValidateOutcome {
  lines: string[];
  exitCode: 0 | 1;
}

/**
 * Checks DAG files and reports each problem as `path:line:col: error: message` (one-based, like
 * compilers), which editors and CI annotate. A file that cannot be read is a problem too.
 */
export async function validateFiles(paths: readonly string[]): Promise<ValidateOutcome> {
  const lines: string[] = [];
  let problemCount = 0;
  for (const filePath of paths) {
    let text: string;
    try {
      text = await readFile(filePath, 'utf8');
    } catch (error) {
      const reason = error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'no such file' : String(error);
      lines.push(`${filePath}:1:1: error: cannot read the DAG file (${reason}).`);
      problemCount++;
      continue;
    }
    for (const problem of parseDagText(text).problems) {
      const { line, character } = problem.range.start;
      lines.push(`${filePath}:${line + 1}:${character + 1}: ${problem.severity}: ${problem.message}`);
      if (problem.severity === 'error') problemCount++;
    }
  }
  return { lines, exitCode: problemCount === 0 ? 0 : 1 };
}
