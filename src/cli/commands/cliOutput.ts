/** Writes a line to stdout: results a script may parse. */
export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Writes a line to stderr: progress and diagnostics, kept out of parseable output. */
export function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The workspace option every engine command takes. */
export const WORKSPACE_OPTION = [
  '-w, --workspace <dir>',
  'workspace folder holding .dagstream/ (default: the current folder)',
  '.',
] as const;
