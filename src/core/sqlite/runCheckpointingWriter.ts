import { openSqliteDatabase } from './openSqliteDatabase';

/**
 * A writer for the crash test (checkpointCrash.test.ts), run as its own process and killed with
 * SIGKILL at random moments: it appends batches of rows to a database, saving after each batch,
 * forever. Batch k holds ROWS_PER_BATCH rows whose values are derived from k, and meta.batch = k,
 * so any state of the file tells which checkpoint it is, and a mix of two shows.
 *
 * Prints `saving k` before each checkpoint and `saved k` after it. Usage: <file>.
 */
export const ROWS_PER_BATCH = 500;
/** A few megabytes of BLOBs, so that a snapshot takes long enough to be killed in the middle. */
const FILLER_BLOBS = 6000;

async function main(file: string): Promise<void> {
  const db = await openSqliteDatabase(file, { checkpoint: { onClose: true } });
  await db.execute(
    `CREATE TABLE IF NOT EXISTS meta(id INTEGER PRIMARY KEY CHECK (id = 1), batch INTEGER NOT NULL);
     INSERT OR IGNORE INTO meta VALUES (1, 0);
     CREATE TABLE IF NOT EXISTS rows(batch INTEGER NOT NULL, i INTEGER NOT NULL, v TEXT NOT NULL, PRIMARY KEY (batch, i));
     CREATE INDEX IF NOT EXISTS rows_v ON rows(v);
     CREATE TABLE IF NOT EXISTS filler(b BLOB);
     INSERT INTO filler SELECT randomblob(1000) FROM (WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ${FILLER_BLOBS}) SELECT n FROM c) WHERE (SELECT count(*) FROM filler) = 0;`,
    undefined,
    { checkpoint: { afterTransaction: true } },
  );
  const insert = await db.prepare('INSERT INTO rows VALUES (?, ?, ?)');
  const setBatch = await db.prepare('UPDATE meta SET batch = ? WHERE id = 1');
  let batch = Number((await db.query('SELECT batch FROM meta')).rows[0]![0]);
  for (;;) {
    batch++;
    const rows = Array.from({ length: ROWS_PER_BATCH }, (_, i) => [batch, i, `batch ${batch} row ${i}`]);
    await db.transaction(
      [
        { statement: insert, rows },
        { statement: setBatch, rows: [[batch]] },
        // Rewrites filler pages too, so that consecutive snapshots differ all over the file.
        { statement: 'UPDATE filler SET b = randomblob(1000) WHERE rowid % 50 = ?', rows: [[batch % 50]] },
      ],
      { checkpoint: { onClose: true } },
    );
    process.stdout.write(`saving ${batch}\n`);
    await db.checkpoint();
    process.stdout.write(`saved ${batch}\n`);
  }
}

if (require.main === module) {
  main(process.argv[2]!).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
