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
  // The image lives in sql.js's in-memory file system and reaches the disk only as whole
  // snapshots written atomically (CheckpointScheduler), so SQLite's rollback journal file and
  // syncs protect nothing: a crash loses the image whatever they hold. The journal is kept in
  // memory (ROLLBACK still works: a failed batch leaves nothing) instead of being written to and
  // deleted from a file in that file system on every transaction. Neither setting is stored in
  // the file: sqlite3 and the next open see an ordinary database.
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF');
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
