/**
 * Just enough of SQLite's lexer (tokenize.c) to answer questions sql.js cannot: which
 * placeholders a statement uses (sql.js binds a missing one as NULL without a word), where a
 * statement's first token is, and what its first keyword is. Strings, quoted identifiers and
 * comments are skipped so that a `?` or `:x` inside them is not taken for a placeholder.
 */

/** The placeholders of one statement, as SQLite numbers them. */
export interface SqlParameterUse {
  /** Highest index taken by `?` and `?NNN` (SQLite gives a bare `?` one more than the largest so far). */
  positional: number;
  /** Named placeholders with their prefix (`:city`, `@city`, `$city`), in order of first use. */
  named: string[];
}

const WHITESPACE = new Set([' ', '\t', '\n', '\f', '\r']);

function isIdentifierChar(ch: string): boolean {
  // SQLite treats every non-ASCII character as an identifier character.
  return /[A-Za-z0-9_$]/.test(ch) || ch.charCodeAt(0) > 0x7f;
}

/** End (exclusive) of the comment, string or quoted identifier starting at `i`, or `i` if none starts there. */
function skipOpaque(sql: string, i: number): number {
  const ch = sql[i];
  const next = sql[i + 1];
  if (ch === '-' && next === '-') {
    const end = sql.indexOf('\n', i + 2);
    return end === -1 ? sql.length : end + 1;
  }
  if (ch === '/' && next === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end === -1 ? sql.length : end + 2;
  }
  const close = ch === "'" || ch === '"' || ch === '`' ? ch : ch === '[' ? ']' : undefined;
  if (close === undefined) return i;
  let j = i + 1;
  for (;;) {
    const end = sql.indexOf(close, j);
    if (end === -1) return sql.length;
    // '' inside '...' (and "" inside "...") is an escaped quote; [...] has no escape.
    if (close !== ']' && sql[end + 1] === close) {
      j = end + 2;
      continue;
    }
    return end + 1;
  }
}

/** Offset of the first token at or after `from`, skipping whitespace, comments and empty `;` statements. */
export function skipSqlTrivia(sql: string, from = 0): number {
  let i = from;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (WHITESPACE.has(ch) || ch === ';') {
      i++;
      continue;
    }
    if ((ch === '-' && sql[i + 1] === '-') || (ch === '/' && sql[i + 1] === '*')) {
      i = skipOpaque(sql, i);
      continue;
    }
    break;
  }
  return i;
}

/** The statement's first keyword in upper case (`SELECT`, `WITH`, `PRAGMA`...), or '' for none. */
export function leadingKeyword(sql: string): string {
  const start = skipSqlTrivia(sql);
  const match = /^[A-Za-z]+/.exec(sql.slice(start, start + 20));
  return match ? match[0].toUpperCase() : '';
}

export function findSqlParameters(sql: string): SqlParameterUse {
  const named: string[] = [];
  let positional = 0;
  let i = 0;
  while (i < sql.length) {
    const skipped = skipOpaque(sql, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const ch = sql[i]!;
    if (ch === '?') {
      let j = i + 1;
      while (j < sql.length && sql[j]! >= '0' && sql[j]! <= '9') j++;
      positional = j > i + 1 ? Math.max(positional, Number(sql.slice(i + 1, j))) : positional + 1;
      i = j;
      continue;
    }
    if ((ch === ':' || ch === '@' || ch === '$') && i + 1 < sql.length && isIdentifierChar(sql[i + 1]!)) {
      let j = i + 1;
      while (j < sql.length && isIdentifierChar(sql[j]!)) j++;
      const name = sql.slice(i, j);
      if (!named.includes(name)) named.push(name);
      i = j;
      continue;
    }
    if (isIdentifierChar(ch)) {
      // A whole word at once, so that `a$b` is an identifier, not `a` and a parameter `$b`.
      let j = i + 1;
      while (j < sql.length && isIdentifierChar(sql[j]!)) j++;
      i = j;
      continue;
    }
    i++;
  }
  return { positional, named };
}

/** 1-based line and column of `offset` in `text`, as editors count them. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * The first keyword of each statement of a script, without preparing anything (a statement may
 * use a table that an earlier one creates). Follows sqlite3_complete's one subtlety: inside
 * CREATE TRIGGER ... BEGIN ... END, a `;` does not end the statement.
 */
export function statementKeywords(sql: string): string[] {
  return sqlStatementRanges(sql).flatMap((range) => (range.keyword === undefined ? [] : [range.keyword]));
}

/** PRAGMAs that act even when only read (`PRAGMA optimize` may write statistics). */
const ACTING_PRAGMAS = new Set(['optimize', 'incremental_vacuum', 'wal_checkpoint', 'shrink_memory']);

/**
 * True when the statement cannot change the database file, judged from its text: SELECT, VALUES,
 * EXPLAIN, and PRAGMAs that only read a setting or describe the schema. Errs towards "may write"
 * (which costs at most an unneeded snapshot); WITH ... INSERT counts as read-only here, so the
 * caller also compares total_changes() before and after.
 */
export function isReadOnlyStatement(sql: string): boolean {
  const keyword = leadingKeyword(sql);
  if (keyword === 'SELECT' || keyword === 'VALUES' || keyword === 'EXPLAIN' || keyword === 'WITH') return true;
  if (keyword !== 'PRAGMA') return false;
  const start = skipSqlTrivia(sql);
  const match = /^PRAGMA\s+(?:\w+\.)?(\w+)\s*(\(\s*[^)]*\))?\s*;?\s*$/i.exec(sql.slice(start));
  if (!match) return false;
  const name = match[1]!.toLowerCase();
  if (ACTING_PRAGMAS.has(name)) return false;
  // `PRAGMA user_version(5)` sets; `PRAGMA table_info(t)` reads: with an argument, only known readers count.
  return (
    match[2] === undefined ||
    /^(table_x?info|index_x?info|index_list|foreign_key_list|foreign_key_check|integrity_check|quick_check|table_list)$/.test(name)
  );
}

/** One statement of a script: where its text starts (its first token) and ends (after its `;`, if any). */
export interface SqlStatementRange {
  /** Offset of the statement's first token (comments and blank lines before it excluded). */
  start: number;
  /** Offset just past the statement: after its `;`, or the end of the script for the last one. */
  end: number;
  /** The statement's text from `start` to `end`, without the trailing `;` and whitespace. */
  text: string;
  /** Its first word outside strings and comments, upper-cased (SELECT, CREATE ...); none for, say, `'a';`. */
  keyword?: string;
}

/**
 * The statements of a script, for editors (a CodeLens above each, a statement under the cursor).
 * Splits as sqlite3_complete does: at `;` outside strings, identifiers and comments, not
 * inside CREATE TRIGGER ... BEGIN ... END. Text with only comments or `;` makes no statement.
 */
export function sqlStatementRanges(sql: string): SqlStatementRange[] {
  const ranges: SqlStatementRange[] = [];
  let words: string[] = [];
  let inTrigger = false;
  let previousWord = '';
  let start = -1;
  const close = (end: number): void => {
    if (start >= 0)
      ranges.push({
        start,
        end,
        text: sql.slice(start, end).replace(/;?\s*$/, ''),
        ...(words[0] === undefined ? {} : { keyword: words[0] }),
      });
    start = -1;
    words = [];
    inTrigger = false;
  };
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const skipped = skipOpaque(sql, i);
    if (skipped !== i) {
      const comment = ch === '-' || ch === '/';
      if (!comment) {
        previousWord = '';
        if (start < 0) start = i;
      }
      i = skipped;
      continue;
    }
    if (ch === ';') {
      if (!inTrigger || previousWord === 'END') close(i + 1);
      previousWord = '';
      i++;
      continue;
    }
    if (WHITESPACE.has(ch)) {
      i++;
      continue;
    }
    if (start < 0) start = i;
    if (isIdentifierChar(ch)) {
      let j = i + 1;
      while (j < sql.length && isIdentifierChar(sql[j]!)) j++;
      const word = sql.slice(i, j).toUpperCase();
      if (words.length < 6) {
        words.push(word);
        const head = words.filter((w) => w !== 'EXPLAIN' && w !== 'QUERY' && w !== 'PLAN' && w !== 'TEMP' && w !== 'TEMPORARY');
        if (head[0] === 'CREATE' && head[1] === 'TRIGGER') inTrigger = true;
      }
      previousWord = word;
      i = j;
      continue;
    }
    previousWord = '';
    i++;
  }
  close(sql.length);
  return ranges;
}
