import { transform, type Transform } from 'sucrase';

/**
 * TypeScript or modern JavaScript -> CommonJS that Node runs without flags or loaders, for the
 * node operator. Sucrase only strips types and rewrites `import`/`export` (also dynamic
 * `import()`), keeping line numbers, so stack traces point at the user's lines. Type errors are
 * not checked: that is the editor's job, as with `tsx` or `ts-node --transpile-only`.
 * Throws an Error naming the file and sucrase's message (with line and column) on a syntax error.
 */
export function transpileTaskCode(source: string, typescript: boolean, filePath: string): string {
  const transforms: Transform[] = typescript ? ['typescript', 'imports'] : ['imports'];
  try {
    return transform(source, { transforms, filePath, disableESTransforms: true }).code;
  } catch (error) {
    throw new Error(
      `Could not compile ${filePath} (${typescript ? 'TypeScript' : 'JavaScript'}): ${(error as Error).message}. Fix the syntax error and run the task again.`,
      { cause: error },
    );
  }
}
