import type { SqlValue } from './sqliteTypes';

/** A value as read from SQLite, big integers possibly as exact bigints (see readRawRow). */
export type RowValue = SqlValue | bigint;

/** A CSV field (RFC 4180): quoted when it holds a quote, comma or line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A value in CSV: NULL as an empty field, BLOBs as base64. */
export function csvValue(value: RowValue): string {
  if (value === null) return '';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'string') return csvField(value);
  return String(value);
}

/** A value as JSON text: BLOBs as base64 strings; bigints as exact numbers (JSON numbers may have any number of digits). */
export function jsonValue(value: RowValue): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  return JSON.stringify(value);
}

/** `SELECT a, a` has two columns named a; JSON objects cannot, so the second becomes a_2. */
export function uniqueKeys(columns: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return columns.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name}_${count}`;
  });
}
