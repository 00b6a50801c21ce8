import { open, rename, unlink } from 'node:fs/promises';
import { csvField, csvValue, jsonValue, uniqueKeys } from './formatRowValue';
import type { ExportFormat, SqlValue } from './sqliteTypes';

const CHUNK_ROWS = 5_000;

/**
 * Writes rows a caller already holds (a query's results, shown in a grid) to `file` as CSV or
 * JSON, in the formats of writeRowsToFile (RFC 4180 with a header row and NULL as an empty field;
 * a JSON array of objects; BLOBs as base64). For the thread that serves the editor: it formats a
 * few thousand rows at a time and yields between them, and the file appears only when complete
 * (temp file, fsync, rename), so a failed export leaves no half file.
 */
export async function writeResultRowsToFile(
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  format: ExportFormat,
  file: string,
): Promise<{ rows: number; bytes: number }> {
  const keys = format === 'json' ? uniqueKeys(columns).map((key) => JSON.stringify(key)) : [];
  const temp = `${file}.tmp-${process.pid}`;
  let bytes = 0;
  try {
    const handle = await open(temp, 'w');
    try {
      const write = async (text: string): Promise<void> => {
        const buffer = Buffer.from(text, 'utf8');
        bytes += buffer.length;
        await handle.write(buffer);
      };
      await write(format === 'csv' ? `${columns.map(csvField).join(',')}\r\n` : '[');
      for (let first = 0; first < rows.length; first += CHUNK_ROWS) {
        let chunk = '';
        const end = Math.min(rows.length, first + CHUNK_ROWS);
        for (let i = first; i < end; i++) {
          const values = rows[i]!;
          if (format === 'csv') chunk += `${values.map(csvValue).join(',')}\r\n`;
          else chunk += `${i === 0 ? '\n' : ',\n'}{${values.map((value, k) => `${keys[k]}:${jsonValue(value)}`).join(',')}}`;
        }
        await write(chunk);
      }
      if (format === 'json') await write(rows.length === 0 ? ']\n' : '\n]\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new Error(
      `Could not export ${rows.length} row(s) to ${file}: ${error instanceof Error ? error.message : String(error)}. Check the folder's permissions and free disk space, then export again.`,
      { cause: error },
    );
  }
  return { rows: rows.length, bytes };
}
