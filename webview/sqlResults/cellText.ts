import { isSqlBlobDto, type SqlCellDto } from '../../src/protocol/sqlResultsProtocol';

const DISPLAY_CHARS = 300;

/** A value as one line of grid text: NULL as "NULL", a BLOB as its size and first bytes, line breaks as ↵. */
export function cellText(value: SqlCellDto): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  if (isSqlBlobDto(value))
    return `BLOB ${value.bytes} B${value.hexPrefix ? ` x'${value.hexPrefix}${value.bytes * 2 > value.hexPrefix.length ? '…' : ''}'` : ''}`;
  const oneLine = value.length > DISPLAY_CHARS ? `${value.slice(0, DISPLAY_CHARS)}…` : value;
  return oneLine.replace(/\r?\n/g, '↵');
}

/** A value as copied to the clipboard: text as it is, NULL as empty, BLOBs as their description. */
export function cellCopyText(value: SqlCellDto): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  return cellText(value);
}

/** Rows as tab-separated text with a header line, the way spreadsheets paste them. */
export function rowsAsTsv(columns: readonly string[], rows: readonly (readonly SqlCellDto[])[]): string {
  const field = (text: string): string => (/[\t\r\n"]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return [columns.map(field).join('\t'), ...rows.map((row) => row.map((v) => field(cellCopyText(v))).join('\t'))].join('\n');
}

/** SQLite's order of storage classes (NULL < numbers < text < BLOB), text compared by code unit (BINARY collation). */
export function compareCells(a: SqlCellDto, b: SqlCellDto): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) return (a as number) - (b as number);
  if (ra === 2) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  if (ra === 3) return (a as { hexPrefix: string }).hexPrefix.localeCompare((b as { hexPrefix: string }).hexPrefix);
  return 0;
}

function rank(value: SqlCellDto): number {
  if (value === null) return 0;
  if (typeof value === 'number') return 1;
  if (typeof value === 'string') return 2;
  return 3;
}

/** Row indices in display order for a sort on one column (stable: ties keep the query's order). */
export function sortedOrder(rows: readonly (readonly SqlCellDto[])[], column: number, direction: 'asc' | 'desc'): number[] {
  const order = Array.from({ length: rows.length }, (_, i) => i);
  const sign = direction === 'asc' ? 1 : -1;
  order.sort((i, j) => sign * compareCells(rows[i]![column] ?? null, rows[j]![column] ?? null) || i - j);
  return order;
}
