import type { Database, SqlValue, Statement } from 'sql.js';
import { isTaskState, RUN_STATES } from '../scheduler/taskStates';
import type { RunState, TaskState } from '../scheduler/taskStates';
import type { DagRecord, DagRunRecord, PoolRecord, RunType, TaskInstanceRecord, TaskTryRecord, XComRecord } from './metadataRecords';

type Row = SqlValue[];
type Params = SqlValue[];

const RUN_TYPES: readonly RunType[] = ['manual', 'scheduled', 'backfill'];

const DAG_COLUMNS = 'dag_id, file_loc, is_paused, last_parsed_at';
const RUN_COLUMNS =
  'dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end, params, queued_at, start_date, end_date, note';
const TI_COLUMNS =
  'dag_id, run_id, task_id, state, try_number, max_tries, operator, pool, pool_slots, priority_weight, queued_at, start_date, end_date, duration_ms, pid, process_token, next_try_at, error';
const TRY_COLUMNS = 'dag_id, run_id, task_id, try_number, state, start_date, end_date, duration_ms, pid, exit_code, error, log_path';
const XCOM_COLUMNS = 'dag_id, run_id, task_id, key, value, timestamp';
const POOL_COLUMNS = 'name, slots, description';

function placeholders(columns: string): string {
  return columns
    .split(',')
    .map(() => '?')
    .join(', ');
}

const RUNS_NEWEST_FIRST = 'ORDER BY logical_date DESC, queued_at DESC, run_id DESC';

/**
 * The SQL side of the metadata store: typed reads and idempotent writes against one sql.js
 * database, through prepared statements cached by their text. Knows nothing about files.
 */
export class MetadataDatabase {
  private readonly statements = new Map<string, Statement>();
  private batchOpen = false;
  private closed = false;

  constructor(
    private readonly db: Database,
    /** Names the database in errors. */
    private readonly file: string,
    /** A turn's transaction failed to commit (reported, since it happens outside any caller). */
    private readonly onCommitError: (error: Error) => void = (error) => {
      throw error;
    },
  ) {
    this.applyConnectionSettings();
  }

  // ---- DAGs ----

  getDag(dagId: string): DagRecord | undefined {
    const row = this.first(`SELECT ${DAG_COLUMNS} FROM dags WHERE dag_id = ?`, [dagId]);
    return row && toDag(row);
  }

  listDags(): DagRecord[] {
    return this.all(`SELECT ${DAG_COLUMNS} FROM dags ORDER BY dag_id`, []).map(toDag);
  }

  upsertDag(r: DagRecord): void {
    this.run(`INSERT OR REPLACE INTO dags (${DAG_COLUMNS}) VALUES (${placeholders(DAG_COLUMNS)})`, [
      r.dagId,
      r.fileLoc,
      r.isPaused ? 1 : 0,
      r.lastParsedAt,
    ]);
  }

  // ---- runs ----

  /** Throws when the run exists. */
  insertRun(r: DagRunRecord): void {
    try {
      this.run(`INSERT INTO dag_runs (${RUN_COLUMNS}) VALUES (${placeholders(RUN_COLUMNS)})`, runParams(r));
    } catch (error) {
      if (this.getRun(r.dagId, r.runId)) {
        throw new Error(
          `Could not insert run "${r.runId}" of DAG "${r.dagId}" into ${this.file}: a run with that id exists. Use another run id, or updateRun to change the existing run.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Returns false when there is no such run. */
  updateRun(r: DagRunRecord): boolean {
    return (
      this.run(
        `UPDATE dag_runs SET run_type = ?, state = ?, logical_date = ?, data_interval_start = ?, data_interval_end = ?, params = ?, queued_at = ?, start_date = ?, end_date = ?, note = ?
         WHERE dag_id = ? AND run_id = ?`,
        [...runParams(r).slice(2), r.dagId, r.runId],
      ) > 0
    );
  }

  /** insertRun and updateRun in one idempotent statement, for journal replay. */
  replaceRun(r: DagRunRecord): void {
    this.run(`INSERT OR REPLACE INTO dag_runs (${RUN_COLUMNS}) VALUES (${placeholders(RUN_COLUMNS)})`, runParams(r));
  }

  getRun(dagId: string, runId: string): DagRunRecord | undefined {
    const row = this.first(`SELECT ${RUN_COLUMNS} FROM dag_runs WHERE dag_id = ? AND run_id = ?`, [dagId, runId]);
    return row && toRun(row);
  }

  listRuns(dagId?: string, filter?: { states?: readonly RunState[]; limit?: number }): DagRunRecord[] {
    const where: string[] = [];
    const params: Params = [];
    if (dagId !== undefined) {
      where.push('dag_id = ?');
      params.push(dagId);
    }
    const states = filter?.states;
    if (states) {
      if (states.length === 0) return [];
      where.push(`state IN (${states.map(() => '?').join(', ')})`);
      params.push(...states);
    }
    params.push(filter?.limit ?? -1);
    const sql = `SELECT ${RUN_COLUMNS} FROM dag_runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ${RUNS_NEWEST_FIRST} LIMIT ?`;
    return this.all(sql, params).map(toRun);
  }

  latestAutomatedRun(dagId: string): DagRunRecord | undefined {
    const row = this.first(
      `SELECT ${RUN_COLUMNS} FROM dag_runs WHERE dag_id = ? AND run_type IN ('scheduled', 'backfill') ORDER BY data_interval_end DESC, logical_date DESC LIMIT 1`,
      [dagId],
    );
    return row && toRun(row);
  }

  // ---- task instances ----

  upsertTaskInstance(ti: TaskInstanceRecord): void {
    this.run(`INSERT OR REPLACE INTO task_instances (${TI_COLUMNS}) VALUES (${placeholders(TI_COLUMNS)})`, [
      ti.dagId,
      ti.runId,
      ti.taskId,
      ti.state,
      ti.tryNumber,
      ti.maxTries,
      ti.operator,
      ti.pool,
      ti.poolSlots,
      ti.priorityWeight,
      opt(ti.queuedAt),
      opt(ti.startDate),
      opt(ti.endDate),
      opt(ti.durationMs),
      opt(ti.pid),
      opt(ti.processToken),
      opt(ti.nextTryAt),
      opt(ti.error),
    ]);
  }

  getTaskInstance(dagId: string, runId: string, taskId: string): TaskInstanceRecord | undefined {
    const row = this.first(`SELECT ${TI_COLUMNS} FROM task_instances WHERE dag_id = ? AND run_id = ? AND task_id = ?`, [
      dagId,
      runId,
      taskId,
    ]);
    return row && toTaskInstance(row);
  }

  /** Ordered by task id. */
  listTaskInstances(dagId: string, runId: string): TaskInstanceRecord[] {
    return this.all(`SELECT ${TI_COLUMNS} FROM task_instances WHERE dag_id = ? AND run_id = ? ORDER BY task_id`, [dagId, runId]).map(
      toTaskInstance,
    );
  }

  listTaskInstancesByState(states: readonly TaskState[]): TaskInstanceRecord[] {
    if (states.length === 0) return [];
    const sql = `SELECT ${TI_COLUMNS} FROM task_instances WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY dag_id, run_id, task_id`;
    return this.all(sql, [...states]).map(toTaskInstance);
  }

  countTaskInstances(): number {
    return Number(this.first('SELECT count(*) FROM task_instances', [])?.[0] ?? 0);
  }

  // ---- tries ----

  upsertTry(t: TaskTryRecord): void {
    this.run(`INSERT OR REPLACE INTO task_tries (${TRY_COLUMNS}) VALUES (${placeholders(TRY_COLUMNS)})`, [
      t.dagId,
      t.runId,
      t.taskId,
      t.tryNumber,
      t.state,
      t.startDate,
      opt(t.endDate),
      opt(t.durationMs),
      opt(t.pid),
      opt(t.exitCode),
      opt(t.error),
      t.logPath,
    ]);
  }

  listTries(dagId: string, runId: string, taskId: string): TaskTryRecord[] {
    return this.all(`SELECT ${TRY_COLUMNS} FROM task_tries WHERE dag_id = ? AND run_id = ? AND task_id = ? ORDER BY try_number`, [
      dagId,
      runId,
      taskId,
    ]).map(toTry);
  }

  // ---- XComs ----

  setXCom(x: XComRecord): void {
    this.run(`INSERT OR REPLACE INTO xcoms (${XCOM_COLUMNS}) VALUES (${placeholders(XCOM_COLUMNS)})`, [
      x.dagId,
      x.runId,
      x.taskId,
      x.key,
      toJson(x.value),
      x.timestamp,
    ]);
  }

  getXCom(dagId: string, runId: string, taskId: string, key: string): XComRecord | undefined {
    const row = this.first(`SELECT ${XCOM_COLUMNS} FROM xcoms WHERE dag_id = ? AND run_id = ? AND task_id = ? AND key = ?`, [
      dagId,
      runId,
      taskId,
      key,
    ]);
    return row && toXCom(row);
  }

  listXComs(dagId: string, runId: string): XComRecord[] {
    return this.all(`SELECT ${XCOM_COLUMNS} FROM xcoms WHERE dag_id = ? AND run_id = ? ORDER BY task_id, key`, [dagId, runId]).map(toXCom);
  }

  clearXComs(dagId: string, runId: string, taskId: string): void {
    this.run('DELETE FROM xcoms WHERE dag_id = ? AND run_id = ? AND task_id = ?', [dagId, runId, taskId]);
  }

  // ---- pools ----

  getPool(name: string): PoolRecord | undefined {
    const row = this.first(`SELECT ${POOL_COLUMNS} FROM pools WHERE name = ?`, [name]);
    return row && toPool(row);
  }

  listPools(): PoolRecord[] {
    return this.all(`SELECT ${POOL_COLUMNS} FROM pools ORDER BY name`, []).map(toPool);
  }

  upsertPool(p: PoolRecord): void {
    this.run(`INSERT OR REPLACE INTO pools (${POOL_COLUMNS}) VALUES (${placeholders(POOL_COLUMNS)})`, [
      p.name,
      p.slots,
      opt(p.description),
    ]);
  }

  // ---- journal bookkeeping and snapshots ----

  /** The last journal entry the database contains (stored in it, so a snapshot carries it). */
  journalSeq(): number {
    return Number(this.first("SELECT value FROM store_meta WHERE key = 'journal_seq'", [])?.[0] ?? 0);
  }

  setJournalSeq(seq: number): void {
    this.run("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('journal_seq', ?)", [String(seq)]);
  }

  /**
   * Writes are grouped per event-loop turn in one SQLite transaction, committed when the turn
   * ends: in sql.js every autocommit statement copies its pages into the in-memory file, which
   * makes single-statement writes about five times slower. Reads on this connection see the
   * uncommitted rows, and durability comes from the journal, so nothing else notices.
   */
  private beginBatch(): void {
    if (this.batchOpen) return;
    this.db.run('BEGIN');
    this.batchOpen = true;
    setImmediate(() => {
      try {
        this.commitBatch();
      } catch (error) {
        this.onCommitError(asError(error));
      }
    });
  }

  /** Commits the current turn's writes now (before an export, or at close). */
  commitBatch(): void {
    if (!this.batchOpen || this.closed) return;
    this.batchOpen = false;
    try {
      this.db.run('COMMIT');
    } catch (error) {
      // SQLite rolls a whole transaction back by itself only on severe errors (out of memory).
      throw new Error(
        `Could not commit changes to the in-memory metadata database (${this.file}): ${asError(error).message}. The journal holds them; restart Dagstream to replay it.`,
        { cause: error },
      );
    }
  }

  /** The whole database as a SQLite file image. */
  export(): Uint8Array {
    this.commitBatch();
    const bytes = this.db.export();
    // Older sql.js (1.13 among them) closes and reopens the connection in export(), which frees
    // every prepared statement and resets the connection's pragmas; 1.16 exports through SQLite's
    // backup API and keeps both. Re-preparing costs microseconds, so forget them either way rather
    // than depend on the installed version.
    this.forgetStatements();
    this.applyConnectionSettings();
    return bytes;
  }

  /** `commit: false` drops uncommitted writes, like a crash would. */
  close(options: { commit: boolean } = { commit: true }): void {
    if (this.closed) return;
    if (options.commit) this.commitBatch();
    this.closed = true;
    this.forgetStatements();
    this.db.close();
  }

  // ---- plumbing ----

  private applyConnectionSettings(): void {
    // The database lives in sql.js's in-memory file system: durability comes from the journal and
    // snapshots, so SQLite's own rollback journal only needs to support ROLLBACK, in memory.
    this.db.run('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY');
  }

  private forgetStatements(): void {
    for (const statement of this.statements.values()) {
      try {
        statement.free();
      } catch {
        // Already freed by export() in older sql.js.
      }
    }
    this.statements.clear();
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private run(sql: string, params: Params): number {
    this.beginBatch();
    const statement = this.statement(sql);
    try {
      statement.run(params);
    } catch (error) {
      statement.reset();
      throw asError(error);
    }
    return this.db.getRowsModified();
  }

  private all(sql: string, params: Params): Row[] {
    const statement = this.statement(sql);
    try {
      statement.bind(params);
      const rows: Row[] = [];
      while (statement.step()) rows.push(statement.get());
      return rows;
    } catch (error) {
      throw asError(error);
    } finally {
      statement.reset();
    }
  }

  private first(sql: string, params: Params): Row | undefined {
    const statement = this.statement(sql);
    try {
      statement.bind(params);
      return statement.step() ? statement.get() : undefined;
    } catch (error) {
      throw asError(error);
    } finally {
      statement.reset();
    }
  }
}

/** sql.js throws plain strings for API misuse (e.g. binding undefined); make them Errors. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function opt(value: string | number | undefined): SqlValue {
  return value === undefined ? null : value;
}

function toJson(value: unknown): string {
  // undefined (a task that returned nothing) has no JSON text; store it as null.
  return JSON.stringify(value) ?? 'null';
}

function runParams(r: DagRunRecord): Params {
  return [
    r.dagId,
    r.runId,
    r.runType,
    r.state,
    r.logicalDate,
    r.dataIntervalStart,
    r.dataIntervalEnd,
    toJson(r.params ?? {}),
    r.queuedAt,
    opt(r.startDate),
    opt(r.endDate),
    opt(r.note),
  ];
}

// ---- rows to records: optional columns become absent properties, not `undefined` ones ----

function text(row: Row, index: number): string {
  const value = row[index];
  return typeof value === 'string' ? value : String(value ?? '');
}

function num(row: Row, index: number): number {
  return Number(row[index] ?? 0);
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function optText(row: Row, index: number): string | undefined {
  const value = row[index];
  return value === null || value === undefined ? undefined : String(value);
}

function optNum(row: Row, index: number): number | undefined {
  const value = row[index];
  return value === null || value === undefined ? undefined : Number(value);
}

function taskState(row: Row, index: number): TaskState {
  const value = row[index];
  if (!isTaskState(value))
    throw new Error(
      `The metadata database holds an unknown task state ${JSON.stringify(value)}; it was not written by this version of Dagstream.`,
    );
  return value;
}

function runState(row: Row, index: number): RunState {
  const value = row[index];
  const state = RUN_STATES.find((candidate) => candidate === value);
  if (!state)
    throw new Error(
      `The metadata database holds an unknown run state ${JSON.stringify(value)}; it was not written by this version of Dagstream.`,
    );
  return state;
}

function runType(row: Row, index: number): RunType {
  const value = row[index];
  const type = RUN_TYPES.find((candidate) => candidate === value);
  if (!type)
    throw new Error(
      `The metadata database holds an unknown run type ${JSON.stringify(value)}; it was not written by this version of Dagstream.`,
    );
  return type;
}

function toDag(row: Row): DagRecord {
  return { dagId: text(row, 0), fileLoc: text(row, 1), isPaused: num(row, 2) !== 0, lastParsedAt: text(row, 3) };
}

function toRun(row: Row): DagRunRecord {
  return {
    dagId: text(row, 0),
    runId: text(row, 1),
    runType: runType(row, 2),
    state: runState(row, 3),
    logicalDate: text(row, 4),
    dataIntervalStart: text(row, 5),
    dataIntervalEnd: text(row, 6),
    params: JSON.parse(text(row, 7)) as Record<string, unknown>,
    queuedAt: text(row, 8),
    ...optional('startDate', optText(row, 9)),
    ...optional('endDate', optText(row, 10)),
    ...optional('note', optText(row, 11)),
  };
}

function toTaskInstance(row: Row): TaskInstanceRecord {
  return {
    dagId: text(row, 0),
    runId: text(row, 1),
    taskId: text(row, 2),
    state: taskState(row, 3),
    tryNumber: num(row, 4),
    maxTries: num(row, 5),
    operator: text(row, 6),
    pool: text(row, 7),
    poolSlots: num(row, 8),
    priorityWeight: num(row, 9),
    ...optional('queuedAt', optText(row, 10)),
    ...optional('startDate', optText(row, 11)),
    ...optional('endDate', optText(row, 12)),
    ...optional('durationMs', optNum(row, 13)),
    ...optional('pid', optNum(row, 14)),
    ...optional('processToken', optText(row, 15)),
    ...optional('nextTryAt', optText(row, 16)),
    ...optional('error', optText(row, 17)),
  };
}

function toTry(row: Row): TaskTryRecord {
  return {
    dagId: text(row, 0),
    runId: text(row, 1),
    taskId: text(row, 2),
    tryNumber: num(row, 3),
    state: taskState(row, 4),
    startDate: text(row, 5),
    ...optional('endDate', optText(row, 6)),
    ...optional('durationMs', optNum(row, 7)),
    ...optional('pid', optNum(row, 8)),
    ...optional('exitCode', optNum(row, 9)),
    ...optional('error', optText(row, 10)),
    logPath: text(row, 11),
  };
}

function toXCom(row: Row): XComRecord {
  return {
    dagId: text(row, 0),
    runId: text(row, 1),
    taskId: text(row, 2),
    key: text(row, 3),
    value: JSON.parse(text(row, 4)) as unknown,
    timestamp: text(row, 5),
  };
}

function toPool(row: Row): PoolRecord {
  return { name: text(row, 0), slots: num(row, 1), ...optional('description', optText(row, 2)) };
}
