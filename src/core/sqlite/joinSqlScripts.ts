import { lineColumnAt } from './scanSqlText';

/** Several SQL scripts as one, with the way back from an offset in it to a script and its line. */
export interface JoinedSqlScripts {
  sql: string;
  scripts: readonly string[];
  /** Which script an offset of `sql` falls in, and its line and column in that script (1-based). */
  locate(offset: number): { script: number; line: number; column: number };
}

/**
 * Joins scripts so that they run as one (one transaction, one call to the database), with a
 * line holding only `;` between them: a script that ends in a `--` comment or without a `;`
 * still ends where it should.
 */
export function joinSqlScripts(scripts: readonly string[]): JoinedSqlScripts {
  const starts: number[] = [];
  let sql = '';
  scripts.forEach((script, index) => {
    if (index > 0) sql += '\n;\n';
    starts.push(sql.length);
    sql += script;
  });
  return {
    sql,
    scripts,
    locate(offset: number) {
      let script = 0;
      while (script + 1 < starts.length && starts[script + 1]! <= offset) script++;
      return { script, ...lineColumnAt(scripts[script]!, offset - starts[script]!) };
    },
  };
}
