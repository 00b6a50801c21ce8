import type { Database, SqlJsStatic } from 'sql.js';
import { SqliteDatabaseError } from './SqliteDatabaseError';

/**
 * A sql.js database over `bytes` (a new empty one without), checked by reading its schema:
 * sql.js accepts any bytes and only fails at the first query, which would otherwise be the
 * user's, far from the cause.
 */
export function openSqlJsDatabase(sql: SqlJsStatic, file: string, bytes: Uint8Array | undefined): Database {
  const db = bytes === undefined || bytes.length === 0 ? new sql.Database() : new sql.Database(bytes);
  try {
    db.exec('SELECT count(*) FROM sqlite_schema');
  } catch (error) {
    db.close();
    const says = error instanceof Error ? error.message : String(error);
    throw new SqliteDatabaseError(
      {
        kind: 'not-a-database',
        file,
        sqliteMessage: says,
        message: `${file} is not a usable SQLite database (SQLite says: ${says}). Check the path; if a crash damaged it, recover what you can with: sqlite3 ${JSON.stringify(file)} .recover > recovered.sql`,
      },
      { cause: error },
    );
  }
  return db;
}

/**
 * Whether this sql.js closes prepared statements in export(). Versions before 1.9 closed and
 * reopened the database to export it; 1.9+ use SQLite's backup API and keep them. Probed rather
 * than assumed from the version, so that an upgrade or downgrade cannot break prepared statements.
 */
export function exportClosesStatements(sql: SqlJsStatic): boolean {
  const probe = new sql.Database();
  try {
    probe.run('CREATE TABLE probe(x)');
    const stmt = probe.prepare('SELECT count(*) FROM probe');
    probe.export();
    try {
      stmt.step();
      stmt.free();
      return false;
    } catch {
      return true;
    }
  } finally {
    probe.close();
  }
}
