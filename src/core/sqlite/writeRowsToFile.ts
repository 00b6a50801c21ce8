import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { Statement } from 'sql.js';
import { csvField, csvValue, jsonValue, uniqueKeys } from './formatRowValue';
import { readRawRow } from './readRow';
import type { ExportFormat } from './sqliteTypes';

const FLUSH_CHARS = 1 << 20;
const INTERRUPT_CHECK_ROWS = 4096;

/**
 * Streams the rows of a stepped-from-the-start statement into `file` as CSV (RFC 4180, header
 * row, NULL as an empty field) or JSON (an array of objects, one per line). BLOBs are written as
 * base64; integers beyond ±2^53 exactly (JSON numbers may have any number of digits). The file
 * appears only when complete (temp file, then rename), so a failed export leaves no half file.
 * Synchronous on purpose: it runs on the database's own thread, where blocking is the point.
 */
export function writeRowsToFile(
  stmt: Statement,
  format: ExportFormat,
  file: string,
  checkInterrupted: () => void,
): { rows: number; bytes: number } {
  const columns = stmt.getColumnNames();
  const keys = format === 'json' ? uniqueKeys(columns).map((key) => JSON.stringify(key)) : [];
  const temp = `${file}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w');
  let bytes = 0;
  let buffer = '';
  const flush = (): void => {
    if (buffer === '') return;
    bytes += writeSync(fd, buffer);
    buffer = '';
  };
  let rows = 0;
  try {
    buffer = format === 'csv' ? `${columns.map(csvField).join(',')}\r\n` : '[';
    while (stmt.step()) {
      const values = readRawRow(stmt);
      if (format === 'csv') buffer += `${values.map(csvValue).join(',')}\r\n`;
      else buffer += `${rows === 0 ? '\n' : ',\n'}{${values.map((value, i) => `${keys[i]}:${jsonValue(value)}`).join(',')}}`;
      rows++;
      if (buffer.length >= FLUSH_CHARS) flush();
      if (rows % INTERRUPT_CHECK_ROWS === 0) checkInterrupted();
    }
    if (format === 'json') buffer += rows === 0 ? ']\n' : '\n]\n';
    flush();
    fsyncSync(fd);
    closeSync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // Already gone; the error below is what matters.
    }
    throw error;
  }
  renameSync(temp, file);
  return { rows, bytes };
}
