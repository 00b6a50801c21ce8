/** How a JSON document is laid out, so that inserted text looks like the text around it. */
export interface JsonFormatting {
  insertSpaces: boolean;
  tabSize: number;
  eol: '\n' | '\r\n';
  /** The whole document is on one line: insertions stay on it rather than reformatting it. */
  singleLine: boolean;
}

/**
 * Reads the indentation unit (a tab, or the smallest indentation in spaces) and the line ending
 * from the text; two spaces and "\n" when the text does not say, as Dagstream writes new files.
 */
export function detectJsonFormatting(text: string): JsonFormatting {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let insertSpaces = true;
  let tabSize = 0;
  for (const match of text.matchAll(/\n([ \t]+)\S/g)) {
    const indent = match[1]!;
    if (indent.startsWith('\t')) {
      insertSpaces = false;
      tabSize = 1;
      break;
    }
    if (tabSize === 0 || indent.length < tabSize) tabSize = indent.length;
    if (tabSize === 1) break;
  }
  const singleLine = !text.trim().includes('\n');
  return { insertSpaces, tabSize: tabSize === 0 ? 2 : tabSize, eol, singleLine };
}
