import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { openSqliteDatabase, type OpenSqliteDatabaseOptions } from '../sqlite/openSqliteDatabase';
import { statementKeywords, isReadOnlyStatement } from '../sqlite/scanSqlText';
import type { SqlValue } from '../sqlite/sqliteTypes';

/** Most rows a panel draws: a chart of more points is unreadable, and each crosses to the webview. */
export const PANEL_MAX_ROWS = 10_000;

/** A value as a chart gets it: numbers as numbers, text as text, BLOBs described (never their bytes). */
export type PanelCell = string | number | null;

export type PanelQueryOutcome =
  | { ok: true; columns: string[]; rows: PanelCell[][]; totalRows: number; truncated: boolean; durationMs: number }
  | { ok: false; error: string };

export interface PanelQuery {
  database: string;
  sql: string;
}

/**
 * Where a panel's database is: its path is relative to the workspace folder. An absolute path or
 * one that leaves the folder is refused, so that a dashboard from a repository reads only the
 * repository's files.
 */
export function resolvePanelDatabase(workspaceRoot: string, database: string): { file: string } | { error: string } {
  if (path.isAbsolute(database))
    return {
      error: `The database "${database}" is an absolute path; write it relative to the workspace folder (e.g. "data/events.sqlite").`,
    };
  const root = path.resolve(workspaceRoot);
  const file = path.resolve(root, database);
  if (file !== root && !file.startsWith(root + path.sep))
    return { error: `The database "${database}" is outside the workspace folder; dashboards read only the workspace's databases.` };
  if (!existsSync(file))
    return { error: `No database at "${database}" (${file}). Check the panel's "database": a path relative to the workspace folder.` };
  return { file };
}

/**
 * Why a panel's SQL may not run, or undefined: a panel reads, so that refreshing a dashboard can
 * never change data. One statement, and one that reads (judged from its text, erring to refuse).
 */
export function describeUnreadableSql(sql: string): string | undefined {
  const keywords = statementKeywords(sql);
  if (keywords.length === 0) return 'The panel has no SQL; write a SELECT.';
  if (keywords.length > 1)
    return `A panel runs one query, but its SQL has ${keywords.length} statements; keep the SELECT that feeds the chart.`;
  const writes = /\b(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|ATTACH|DETACH|VACUUM|REINDEX)\b(?!\s*\()/i.exec(withoutQuotedText(sql));
  if (!isReadOnlyStatement(sql) || (keywords[0] === 'WITH' && writes)) {
    const verb = writes?.[1]?.toUpperCase() ?? keywords[0];
    return `Dashboard panels only read, but this statement is ${verb}. Use a SELECT here; run writes from a .sql file or a DAG task.`;
  }
  return undefined;
}

function withoutQuotedText(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
}

/**
 * Runs the panels' queries, each database opened once for all its panels and closed after (a
 * closed database is read again from its file on the next refresh, so rows written by another
 * program show up; a database this process holds open, such as a sink's, is read live).
 * Never rejects: each panel gets its rows or the reason it has none, in the panels' order.
 */
export async function runPanelQueries(
  workspaceRoot: string,
  queries: readonly PanelQuery[],
  options: Pick<OpenSqliteDatabaseOptions, 'runIn' | 'workerScript' | 'wasmPath'> = {},
): Promise<PanelQueryOutcome[]> {
  const outcomes: PanelQueryOutcome[] = queries.map(() => ({ ok: false, error: 'Not run.' }));
  const byFile = new Map<string, number[]>();
  queries.forEach((query, index) => {
    const refused = describeUnreadableSql(query.sql);
    if (refused !== undefined) {
      outcomes[index] = { ok: false, error: refused };
      return;
    }
    const resolved = resolvePanelDatabase(workspaceRoot, query.database);
    if ('error' in resolved) {
      outcomes[index] = { ok: false, error: resolved.error };
      return;
    }
    byFile.set(resolved.file, [...(byFile.get(resolved.file) ?? []), index]);
  });
  await Promise.all(
    [...byFile].map(async ([file, indexes]) => {
      let database;
      try {
        database = await openSqliteDatabase(file, { ...options, create: false, checkpoint: { afterTransaction: false, onClose: false } });
      } catch (error) {
        for (const index of indexes) outcomes[index] = { ok: false, error: messageOf(error) };
        return;
      }
      try {
        for (const index of indexes) {
          const query = queries[index]!;
          try {
            const result = await database.query(query.sql, undefined, { limit: PANEL_MAX_ROWS });
            outcomes[index] = {
              ok: true,
              columns: result.columns,
              rows: result.rows.map((row) => row.map(toCell)),
              totalRows: result.totalRows,
              truncated: result.truncated,
              durationMs: result.durationMs,
            };
          } catch (error) {
            outcomes[index] = { ok: false, error: messageOf(error) };
          }
        }
      } finally {
        await database.close().catch(() => undefined);
      }
    }),
  );
  return outcomes;
}

function toCell(value: SqlValue): PanelCell {
  if (value instanceof Uint8Array) return `<BLOB, ${value.byteLength} bytes>`;
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
