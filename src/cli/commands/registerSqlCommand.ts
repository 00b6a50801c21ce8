import * as path from 'node:path';
import type { Command } from 'commander';
import { csvField, csvValue, jsonValue, uniqueKeys } from '../../core/sqlite/formatRowValue';
import { openSqliteDatabase } from '../../core/sqlite/openSqliteDatabase';
import { SqliteDatabaseError } from '../../core/sqlite/SqliteDatabaseError';
import type { SqlValue, StatementResult } from '../../core/sqlite/sqliteTypes';
import { collect, parseParamArgs } from '../parseParamArgs';
import { err, out } from './cliOutput';

interface SqlCommandOptions {
  param: string[];
  json?: boolean;
  csv?: boolean;
  limit?: number;
}

/**
 * `dagstream sql <database> "<query>"`: runs SQL on a SQLite file the way the sql operator does
 * (bound parameters, one transaction, saved before it returns) and prints the last statement's
 * rows as a table, JSON (an array of objects) or CSV. Row counts and notes go to stderr, so the
 * output stays parseable. A failing statement prints SQLite's error with its line and column
 * and exits with code 1.
 */
export function registerSqlCommand(program: Command): void {
  program
    .command('sql')
    .description('run SQL on a SQLite database file (created on first write) and print the rows of the last statement')
    .argument('<database>', 'the database file, e.g. data/weather.sqlite')
    .argument('<query>', 'one or more SQL statements; use placeholders (:city, ?) for values')
    .option(
      '-p, --param <name=value>',
      'bind a value to :name (or to the n-th ? with 1=value, 2=value...); canonical numbers bind as numbers, the rest as text (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print the rows as a JSON array of objects')
    .option('--csv', 'print the rows as CSV with a header line')
    .option('-n, --limit <rows>', 'print at most this many rows (all by default)', (value) => parseLimit(value))
    .action(async (database: string, query: string, options: SqlCommandOptions) => {
      if (options.json && options.csv) throw new Error('Choose one output format: --json or --csv, not both.');
      const params = typedParams(parseParamArgs(options.param));
      // One-shot: no editor to keep responsive, so the database runs on this thread and no worker is started.
      const db = await openSqliteDatabase(path.resolve(database), { runIn: 'thread' });
      try {
        const result = await db.execute(query, Object.keys(params).length > 0 ? params : undefined, {
          maxRows: options.limit ?? Number.MAX_SAFE_INTEGER,
        });
        const last = result.statements.at(-1);
        if (last && last.columns.length > 0) printRows(last, options);
        if (result.changes > 0) err(`${result.changes} row(s) changed${result.checkpoint ? `; saved ${database}` : ''}`);
        if (last && last.columns.length > 0)
          err(`${last.totalRows} row(s)${last.truncated ? `, ${last.rows.length} shown (--limit)` : ''}`);
      } catch (error) {
        if (!(error instanceof SqliteDatabaseError)) throw error;
        err(`dagstream sql: ${error.kind === 'sql' || error.kind === 'parameters' ? `${database}: ` : ''}error: ${error.message}`);
        process.exitCode = 1;
      } finally {
        await db.close();
      }
    });
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`--limit must be a whole number of rows, got "${value}".`);
  return limit;
}

/** `--param days=3` binds the number 3, `--param zip=01234` the text "01234" (it is not how the number is written). */
function typedParams(params: Record<string, string>): Record<string, string | number> {
  const typed: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    const number = Number(value);
    typed[name] = value.trim() !== '' && Number.isFinite(number) && String(number) === value ? number : value;
  }
  return typed;
}

function printRows(statement: StatementResult, options: SqlCommandOptions): void {
  const { columns, rows } = statement;
  if (options.json) {
    const keys = uniqueKeys(columns).map((key) => JSON.stringify(key));
    out(
      `[${rows.map((row) => `\n{${row.map((value, i) => `${keys[i]}:${jsonValue(value)}`).join(',')}}`).join(',')}${rows.length > 0 ? '\n' : ''}]`,
    );
  } else if (options.csv) {
    out(columns.map(csvField).join(','));
    for (const row of rows) out(row.map(csvValue).join(','));
  } else {
    out(formatTable(columns, rows));
  }
}

/** Columns aligned, NULL shown as NULL and BLOBs as x'hex', like the sqlite3 tool's box-less table mode. */
function formatTable(columns: readonly string[], rows: readonly SqlValue[][]): string {
  const cells = rows.map((row) => row.map(displayValue));
  const widths = columns.map((name, i) => Math.max(name.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]): string =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

function displayValue(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (value instanceof Uint8Array) return `x'${Buffer.from(value).toString('hex')}'`;
  return String(value).replace(/\r?\n/g, '\\n');
}
