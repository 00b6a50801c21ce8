import type { SqlValue } from '../sqlite/sqliteTypes';
import type { ChartSpec } from './dashboardFile';

/**
 * A first chart for a query's result, before the user picks: the first column on x, the numeric
 * columns after it on y (at most three). Lines when x looks like time or numbers, bars for
 * categories. A result with no numeric column still gets a chart of its second column, whose
 * drawing then says that its values are not numbers.
 */
export function suggestChart(columns: readonly string[], rows: readonly (readonly SqlValue[])[]): ChartSpec {
  const [x = 'x', ...others] = columns;
  const numeric = others.filter((_, i) => isNumericColumn(rows, i + 1));
  const y = numeric.length > 0 ? numeric.slice(0, 3) : others.slice(0, 1);
  const xIsOrdered = isNumericColumn(rows, 0) || isTimeColumn(rows, 0);
  return { type: xIsOrdered ? 'line' : 'bar', x, y: y.length === 1 ? (y[0] ?? x) : y.length === 0 ? x : y };
}

function isNumericColumn(rows: readonly (readonly SqlValue[])[], column: number): boolean {
  let seen = 0;
  for (const row of rows.slice(0, 200)) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))) seen++;
    else return false;
  }
  return seen > 0;
}

function isTimeColumn(rows: readonly (readonly SqlValue[])[], column: number): boolean {
  const values = rows
    .slice(0, 50)
    .map((row) => row[column])
    .filter((v) => v !== null && v !== undefined);
  return values.length > 0 && values.every((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v));
}
