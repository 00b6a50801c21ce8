import type { Database } from 'sql.js';

/**
 * The metadata schema, one migration per version (like Elyra's pipeline-file migrations): a
 * database at version N gets migrations N+1.. applied in order, each in its own transaction, and
 * `schema_version` records which ran and when. Never edit a released migration; add one.
 *
 * Column names follow Airflow's tables (`dag_id`, `run_id`, `logical_date`, `try_number`...) so
 * that a data engineer querying `metadata.sqlite` with sqlite3 finds what they expect.
 * There are no foreign keys: the engine owns referential integrity, and an enforced key would
 * turn a journal replayed in an unexpected order into a store that refuses to open.
 */
interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const METADATA_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'dags, runs, task instances, tries, xcoms, pools',
    sql: `
      CREATE TABLE store_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
      -- The last journal entry this snapshot contains; replay starts after it.
      INSERT INTO store_meta (key, value) VALUES ('journal_seq', '0');

      CREATE TABLE dags (
        dag_id TEXT PRIMARY KEY,
        file_loc TEXT NOT NULL,
        is_paused INTEGER NOT NULL,
        last_parsed_at TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE dag_runs (
        dag_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        run_type TEXT NOT NULL,
        state TEXT NOT NULL,
        logical_date TEXT NOT NULL,
        data_interval_start TEXT NOT NULL,
        data_interval_end TEXT NOT NULL,
        params TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        start_date TEXT,
        end_date TEXT,
        note TEXT,
        PRIMARY KEY (dag_id, run_id)
      ) WITHOUT ROWID;
      -- listRuns: newest first, per DAG or across all of them, optionally by state.
      CREATE INDEX dag_runs_by_dag_date ON dag_runs (dag_id, logical_date DESC, queued_at DESC);
      CREATE INDEX dag_runs_by_date ON dag_runs (logical_date DESC, queued_at DESC);
      CREATE INDEX dag_runs_by_state ON dag_runs (state);
      -- latestAutomatedRun: the next schedule tick.
      CREATE INDEX dag_runs_automated ON dag_runs (dag_id, data_interval_end DESC) WHERE run_type IN ('scheduled', 'backfill');

      CREATE TABLE task_instances (
        dag_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        state TEXT NOT NULL,
        try_number INTEGER NOT NULL,
        max_tries INTEGER NOT NULL,
        operator TEXT NOT NULL,
        pool TEXT NOT NULL,
        pool_slots INTEGER NOT NULL,
        priority_weight INTEGER NOT NULL,
        queued_at TEXT,
        start_date TEXT,
        end_date TEXT,
        duration_ms REAL,
        pid INTEGER,
        process_token TEXT,
        next_try_at TEXT,
        error TEXT,
        PRIMARY KEY (dag_id, run_id, task_id)
      ) WITHOUT ROWID;
      -- listTaskInstancesByState: tasks a dead scheduler left running, across all runs.
      CREATE INDEX task_instances_by_state ON task_instances (state);

      CREATE TABLE task_tries (
        dag_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        try_number INTEGER NOT NULL,
        state TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT,
        duration_ms REAL,
        pid INTEGER,
        exit_code INTEGER,
        error TEXT,
        log_path TEXT NOT NULL,
        PRIMARY KEY (dag_id, run_id, task_id, try_number)
      ) WITHOUT ROWID;

      CREATE TABLE xcoms (
        dag_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL, -- JSON
        timestamp TEXT NOT NULL,
        PRIMARY KEY (dag_id, run_id, task_id, key)
      ) WITHOUT ROWID;

      CREATE TABLE pools (
        name TEXT PRIMARY KEY,
        slots INTEGER NOT NULL,
        description TEXT
      ) WITHOUT ROWID;
      INSERT INTO pools (name, slots, description) VALUES ('default_pool', 128, 'Default pool');
    `,
  },
];

export const METADATA_SCHEMA_VERSION = METADATA_MIGRATIONS[METADATA_MIGRATIONS.length - 1]!.version;

/**
 * Brings `db` to the current schema. Returns whether anything changed (so that the caller can
 * write a snapshot). `file` only names the database in errors.
 */
export function migrateMetadataSchema(db: Database, file: string): boolean {
  db.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const current = Number(db.exec('SELECT coalesce(max(version), 0) FROM schema_version')[0]?.values[0]?.[0] ?? 0);
  if (current > METADATA_SCHEMA_VERSION) {
    throw new Error(
      `${file} has metadata schema version ${current}, newer than this Dagstream understands (${METADATA_SCHEMA_VERSION}). Update Dagstream, or open the workspace with the version that wrote it.`,
    );
  }
  let changed = false;
  for (const migration of METADATA_MIGRATIONS) {
    if (migration.version <= current) continue;
    db.run('BEGIN');
    try {
      db.run(migration.sql);
      db.run('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.description,
        new Date().toISOString(),
      ]);
      db.run('COMMIT');
    } catch (error) {
      db.run('ROLLBACK');
      throw new Error(
        `Could not migrate ${file} to metadata schema version ${migration.version} (${migration.description}): ${error instanceof Error ? error.message : String(error)}. Move the file aside to start with empty metadata, or report this as a bug.`,
        { cause: error },
      );
    }
    changed = true;
  }
  return changed;
}
