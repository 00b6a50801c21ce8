import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseDagText } from '../dag/parseDagText';
import { compileDag, type CompiledDag } from '../scheduler/compileDag';

/** A DAG file read from disk: compiled when valid, otherwise its problems as CLI-style lines. */
export interface LoadedDagFile {
  file: string;
  /** Path relative to the workspace, as stored in the metadata database. */
  fileLoc: string;
  compiled: CompiledDag | undefined;
  problems: string[];
}

export async function loadDagFile(file: string, workspaceDir: string): Promise<LoadedDagFile> {
  const fileLoc = path.relative(workspaceDir, file) || path.basename(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return {
      file,
      fileLoc,
      compiled: undefined,
      problems: [`${file}:1:1: error: cannot read the DAG file (${error instanceof Error ? error.message : String(error)}).`],
    };
  }
  const parsed = parseDagText(text);
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  const problems = errors.map((p) => `${file}:${p.range.start.line + 1}:${p.range.start.character + 1}: error: ${p.message}`);
  if (errors.length > 0 || !parsed.dag) return { file, fileLoc, compiled: undefined, problems };
  try {
    return { file, fileLoc, compiled: compileDag(parsed.dag), problems };
  } catch (error) {
    return {
      file,
      fileLoc,
      compiled: undefined,
      problems: [`${file}:1:1: error: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
}
