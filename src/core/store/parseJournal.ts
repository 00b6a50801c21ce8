import { JOURNAL_METHODS } from './applyJournalEntry';
import type { JournalEntry } from './applyJournalEntry';

export interface ParsedJournal {
  entries: JournalEntry[];
  /** Bytes of `bytes` that hold complete entries (including their newlines); parsing resumes here. */
  consumed: number;
  /**
   * A last line that is not a complete entry: a write that was cut off (the writer was killed)
   * or, for a reader, one still in progress. Nothing valid follows it.
   */
  torn?: { line: number; offset: number; length: number };
  /** A damaged line with valid entries after it: not a cut-off write, so the journal cannot be trusted. */
  corrupt?: { line: number; offset: number; reason: string };
  /** The last entry is complete but its newline is missing (cut off just before it). */
  missingNewline: boolean;
}

/** `firstLine` numbers lines in messages when `bytes` is a tail of the file. */
export function parseJournal(bytes: Buffer, firstLine = 1): ParsedJournal {
  const entries: JournalEntry[] = [];
  let offset = 0;
  let line = firstLine;
  while (offset < bytes.length) {
    const newline = bytes.indexOf(10, offset);
    const end = newline === -1 ? bytes.length : newline;
    const text = bytes.toString('utf8', offset, end);
    if (text.trim() !== '') {
      const parsed = parseEntry(text);
      if (typeof parsed === 'string') {
        // Damage is a torn write only if nothing but blank space follows it.
        const rest = newline === -1 ? '' : bytes.toString('utf8', newline + 1);
        if (rest.replace(/\0/g, '').trim() === '')
          return { entries, consumed: offset, torn: { line, offset, length: bytes.length - offset }, missingNewline: false };
        return { entries, consumed: offset, corrupt: { line, offset, reason: parsed }, missingNewline: false };
      }
      entries.push(parsed);
    }
    if (newline === -1) return { entries, consumed: bytes.length, missingNewline: text.trim() !== '' };
    offset = newline + 1;
    line++;
  }
  return { entries, consumed: offset, missingNewline: false };
}

/** The entry, or why the line is not one. */
function parseEntry(text: string): JournalEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const { s, m, a } = value as Record<string, unknown>;
  if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 1) return 'no entry number "s"';
  if (typeof m !== 'string' || !JOURNAL_METHODS.has(m)) return `unknown method ${JSON.stringify(m)}`;
  if (!Array.isArray(a)) return 'no argument list "a"';
  // The arguments are the store's own records, written by JSON.stringify; SQLite's NOT NULL
  // constraints catch a damaged one when it is applied.
  return value as JournalEntry;
}
