import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic, Statement } from 'sql.js';
import { buildSinkStatements } from '../sink/buildSinkStatements';
import { mapNextSinkMessages, type MappedSinkBatch, type SinkTableSpec } from '../sink/mapSinkBatch';
import { PackedSinkMessages } from '../sink/packSinkMessages';
import { loadSqlJs } from '../store/loadSqlJs';
import { writeFileAtomically } from '../store/writeFileAtomically';
import { bindParameters } from './bindParameters';
import { CheckpointScheduler, type SaveOutcome } from './CheckpointScheduler';
import { classifyFileError } from './classifyFileError';
import { listColumns, listTables, noSuchTable, quoteIdentifier, tableType } from './describeSchema';
import { exportClosesStatements, openSqlJsDatabase } from './openSqlJsDatabase';
import { readDatabaseFile, sameIdentity, statIdentity, type FileIdentity } from './readDatabaseFile';
import { readRow } from './readRow';
import { removeStaleTempFiles } from './removeStaleTempFiles';
import { runStatements } from './runStatements';
import { findSqlParameters, isReadOnlyStatement, statementKeywords, type SqlParameterUse } from './scanSqlText';
import { SqliteDatabaseError } from './SqliteDatabaseError';
import type { SqliteArgs, SqliteEngineEvent, SqliteOperationHandlers, SqliteOperationName, SqliteResult } from './sqliteProtocol';
import type {
  CheckpointPolicy,
  CheckpointReason,
  CheckpointStats,
  CloseResult,
  ColumnInfo,
  CursorExecuteResult,
  DatabaseStatus,
  ExecuteResult,
  ExportResult,
  OpenedDatabaseInfo,
  QueryOptions,
  QueryResult,
  RunResult,
  SinkBatchResult,
  SinkTransactionResult,
  SqlParameters,
  SqlValue,
  TableInfo,
} from './sqliteTypes';
import { writeResultRowsToFile } from './writeResultRowsToFile';
import { writeRowsToFile } from './writeRowsToFile';

const DEFAULT_LIMIT = 1000;
const INTERRUPT_CHECK_ROWS = 4096;
/** Statements that manage transactions themselves (or cannot run inside one): scripts with them run as written. */
const TRANSACTION_KEYWORDS = new Set(['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'VACUUM']);
/** ...and PRAGMAs, some of which do nothing inside a transaction (foreign_keys, journal_mode). */
const RUN_AS_WRITTEN_KEYWORDS = new Set([...TRANSACTION_KEYWORDS, 'PRAGMA']);

interface PreparedEntry {
  sql: string;
  use: SqlParameterUse;
  stmt: Statement | undefined;
  generation: number;
}

/** Rows per INSERT statement of a sink's batch, largest first: any count is a few statements of these. */
const SINK_ROWS_PER_STATEMENT = [64, 16, 4, 1] as const;

interface SinkEntry {
  spec: SinkTableSpec;
  width: number;
  /** By rows per statement. */
  insertRows: Map<number, PreparedEntry>;
  /** By rows per statement: the array each run binds, filled again for every run (sql.js binds all of an array). */
  insertParams: Map<number, SqlValue[]>;
  insertRowsSql: (count: number) => string;
  insertDeadLetter: PreparedEntry;
  storeOffset: PreparedEntry;
}

export interface SqliteEngineHost {
  onEvent(event: SqliteEngineEvent): void;
  /** Int32 the caller sets to the id of a request to interrupt (see SqliteWorkerData). */
  interrupt?: Int32Array;
}

/**
 * Owns one database file: the sql.js database in memory, its prepared statements and its
 * snapshots. Every operation's database work is synchronous, so operations never interleave
 * and no transaction is ever open between two of them; only writing a snapshot to disk is
 * asynchronous, and it writes bytes exported before, so operations go on meanwhile.
 *
 * It runs where it is created: in the database worker (the default, see sqliteWorkerMain) or on
 * the caller's thread. Before each operation it checks whether another program replaced the file
 * and, if nothing is unsaved, reads it again (prepared statements are prepared again on use).
 */
export class SqliteEngine implements SqliteOperationHandlers {
  private generation = 0;
  private readonly prepared = new Map<number, PreparedEntry>();
  private nextStatementId = 1;
  private totalChangesStmt: { stmt: Statement; generation: number } | undefined;
  private lastInsertRowidStmt: { stmt: Statement; generation: number } | undefined;
  private changesAtSave = 0;
  /** True while a snapshot is being written: our own rename is not someone else's change. */
  private writing = false;
  private closed = false;
  private lastCheckpoint: CheckpointStats | undefined;
  private lastCheckpointError: string | undefined;
  private currentRequest = 0;
  private readonly checkpoints: CheckpointScheduler;
  private readonly sinks = new Map<number, SinkEntry>();
  private nextSinkId = 1;
  /** Rows kept by executeToCursor, until closeCursor or close. */
  private readonly cursors = new Map<number, SqlValue[][]>();
  private nextCursorId = 1;

  private constructor(
    private readonly sqlJs: SqlJsStatic,
    readonly file: string,
    private db: Database,
    private identity: FileIdentity | undefined,
    private readonly host: SqliteEngineHost,
    private readonly statementsClosedByExport: boolean,
  ) {
    this.checkpoints = new CheckpointScheduler({
      snapshot: (reason, overwrite) => this.snapshot(reason, overwrite),
      changedRows: () => this.totalChanges() - this.changesAtSave,
      onBackgroundFailure: (error) => this.host.onEvent({ type: 'checkpointFailed', error: error.toJSON() }),
    });
  }

  static async open(args: SqliteArgs<'open'>, host: SqliteEngineHost): Promise<{ engine: SqliteEngine; info: OpenedDatabaseInfo }> {
    const file = path.resolve(args.file);
    const sqlJs = await loadSqlJs(args.wasmPath, args.wasmModule);
    removeStaleTempFiles(file);
    const loaded = readDatabaseFile(file);
    if (!loaded) {
      if (!args.create)
        throw new SqliteDatabaseError({
          kind: 'not-found',
          file,
          message: `${file} does not exist. Check the path, or open it with create to start a new database there.`,
        });
      try {
        mkdirSync(path.dirname(file), { recursive: true });
      } catch (error) {
        throw classifyFileError(error, path.dirname(file), 'create the folder');
      }
    }
    const db = openSqlJsDatabase(sqlJs, file, loaded?.bytes);
    const engine = new SqliteEngine(sqlJs, file, db, loaded?.identity, host, exportClosesStatements(sqlJs));
    return { engine, info: { file, existed: loaded !== undefined, sizeBytes: loaded?.bytes.length ?? 0 } };
  }

  /** Runs one operation on behalf of request `id` (the id an interrupt names). */
  handle<K extends Exclude<SqliteOperationName, 'open'>>(
    id: number,
    op: K,
    args: SqliteArgs<K>,
  ): SqliteResult<K> | Promise<SqliteResult<K>> {
    if (this.closed)
      throw new SqliteDatabaseError({ kind: 'closed', file: this.file, message: `${this.file} is closed. Open it again to use it.` });
    this.currentRequest = id;
    try {
      if (op !== 'close' && op !== 'status' && op !== 'reload') this.refreshFromDisk();
      const handler = this[op] as (args: SqliteArgs<K>) => SqliteResult<K> | Promise<SqliteResult<K>>;
      return handler.call(this, args);
    } finally {
      this.currentRequest = 0;
    }
  }

  // ---- reading ----

  listTables(args: { countRows: boolean }): TableInfo[] {
    return listTables(this.db, args.countRows);
  }

  listColumns(args: { table: string }): ColumnInfo[] {
    return listColumns(this.db, this.file, args.table);
  }

  query(args: SqliteArgs<'query'>): QueryResult | Promise<QueryResult> {
    this.refuseSpecialStatements(args.sql, 'query');
    const before = this.totalChanges();
    const [result] = runStatements(this.db, args.sql, this.runOptions(args.params, args.options, 'last', true));
    let statement: QueryResult = {
      columns: [],
      rows: [],
      totalRows: 0,
      offset: args.options.offset ?? 0,
      truncated: false,
      changes: 0,
      durationMs: 0,
    };
    if (result) {
      const { position: _position, sql: _sql, ...rest } = result;
      statement = rest;
    }
    const wrote = this.totalChanges() !== before || (result !== undefined && !isReadOnlyStatement(result.sql));
    return wrote ? this.afterWrite(args.checkpoint, statement) : statement;
  }

  // ---- writing ----

  async execute(args: SqliteArgs<'execute'>): Promise<ExecuteResult> {
    const started = performance.now();
    const keywords = statementKeywords(args.sql);
    if (keywords.includes('ATTACH') || keywords.includes('DETACH')) throw this.attachRefused();
    const atomic = args.options.atomic !== false && !keywords.some((k) => RUN_AS_WRITTEN_KEYWORDS.has(k));
    const before = this.totalChanges();
    const statements: ExecuteResult['statements'] = [];
    let failure: unknown;
    if (atomic) this.db.run('BEGIN');
    try {
      runStatements(
        this.db,
        args.sql,
        this.runOptions(args.params, { limit: args.options.maxRows }, args.options.rowsOf ?? 'last', false),
        statements,
      );
      // A stop requested during the last statement still wins over its commit.
      this.checkInterrupted();
      if (atomic) this.db.run('COMMIT');
    } catch (error) {
      failure = error;
    }
    const leftOpen = this.rollbackOpenTransaction();
    if (failure === undefined && leftOpen)
      failure = new SqliteDatabaseError({
        kind: 'sql',
        file: this.file,
        message: `The script on ${this.file} began a transaction and did not end it; Dagstream rolled it back, because an open transaction would hold every other user of the database. End the script with COMMIT.`,
      });
    // A failed atomic script left nothing behind; otherwise what ran is in the database.
    const kept = failure === undefined || !atomic;
    const wrote = kept && (this.totalChanges() !== before || statements.some((s) => !isReadOnlyStatement(s.sql)));
    if (failure !== undefined) {
      // Statements that ran before the failure in a non-atomic script are in the database: save them per the policy first.
      if (wrote) await this.afterWrite(args.checkpoint, {}).catch(() => undefined);
      throw this.explainScriptFailure(failure, atomic, leftOpen);
    }
    const result: ExecuteResult = {
      statements,
      changes: statements.reduce((sum, s) => sum + s.changes, 0),
      durationMs: performance.now() - started,
    };
    return wrote ? this.afterWrite(args.checkpoint, result) : result;
  }

  prepare(args: { sql: string }): { statementId: number; columns: string[] } {
    this.refuseSpecialStatements(args.sql, 'prepare');
    const entry: PreparedEntry = { sql: args.sql, use: findSqlParameters(args.sql), stmt: undefined, generation: -1 };
    const stmt = this.statementOf(entry, -1);
    const statementId = this.nextStatementId++;
    this.prepared.set(statementId, entry);
    return { statementId, columns: stmt.getColumnNames() };
  }

  run(args: SqliteArgs<'run'>): RunResult | Promise<RunResult> {
    const started = performance.now();
    const entry = this.entry(args.statementId);
    const stmt = this.statementOf(entry, args.statementId);
    const before = this.totalChanges();
    try {
      const binds = this.bind(entry, args.params, 0);
      // Stepping to the end runs the whole statement (an INSERT ... SELECT, a trigger's work).
      if (binds !== undefined) stmt.bind(binds);
      while (stmt.step()) this.checkInterrupted();
    } catch (error) {
      throw this.statementError(error, entry, undefined);
    } finally {
      stmt.reset();
    }
    const changes = this.totalChanges() - before;
    const result: RunResult = { changes, lastInsertRowid: this.lastInsertRowid(), durationMs: performance.now() - started };
    return changes > 0 || !isReadOnlyStatement(entry.sql) ? this.afterWrite(args.checkpoint, result) : result;
  }

  runMany(args: SqliteArgs<'runMany'>): RunResult | Promise<RunResult> {
    return this.transaction({ steps: [{ statementId: args.statementId, rows: args.rows }], checkpoint: args.checkpoint });
  }

  transaction(args: SqliteArgs<'transaction'>): RunResult | Promise<RunResult> {
    const started = performance.now();
    const before = this.totalChanges();
    const temporary: Statement[] = [];
    this.db.run('BEGIN');
    try {
      args.steps.forEach((step, stepIndex) => {
        let entry: PreparedEntry;
        let stmt: Statement;
        if (step.statementId !== undefined) {
          entry = this.entry(step.statementId);
          stmt = this.statementOf(entry, step.statementId);
        } else if (step.sql !== undefined) {
          this.refuseSpecialStatements(step.sql, 'transaction');
          entry = { sql: step.sql, use: findSqlParameters(step.sql), stmt: undefined, generation: -1 };
          stmt = this.statementOf(entry, -1);
          temporary.push(stmt);
        } else {
          throw new SqliteDatabaseError({
            kind: 'sql',
            file: this.file,
            message: `Transaction step ${stepIndex + 1} has neither a statementId nor sql; give one.`,
          });
        }
        for (let row = 0; row < step.rows.length; row++) {
          try {
            const binds = this.bind(entry, step.rows[row], row);
            stmt.run(binds ?? null);
          } catch (error) {
            throw this.statementError(error, entry, { step: stepIndex, steps: args.steps.length, row, rows: step.rows.length });
          }
          if (row % INTERRUPT_CHECK_ROWS === INTERRUPT_CHECK_ROWS - 1) this.checkInterrupted();
        }
      });
      this.checkInterrupted();
      this.db.run('COMMIT');
    } catch (error) {
      this.rollbackOpenTransaction();
      throw error;
    } finally {
      for (const stmt of temporary) stmt.free();
    }
    const result: RunResult = {
      changes: this.totalChanges() - before,
      lastInsertRowid: this.lastInsertRowid(),
      durationMs: performance.now() - started,
    };
    return this.afterWrite(args.checkpoint, result);
  }

  queryPrepared(args: SqliteArgs<'queryPrepared'>): QueryResult | Promise<QueryResult> {
    const started = performance.now();
    const entry = this.entry(args.statementId);
    const stmt = this.statementOf(entry, args.statementId);
    const offset = args.options.offset ?? 0;
    const limit = args.options.limit ?? DEFAULT_LIMIT;
    const before = this.totalChanges();
    const rows: SqlValue[][] = [];
    let totalRows = 0;
    try {
      const binds = this.bind(entry, args.params, 0);
      if (binds !== undefined) stmt.bind(binds);
      while (stmt.step()) {
        if (totalRows >= offset && totalRows < offset + limit) rows.push(readRow(stmt));
        totalRows++;
        if (totalRows % INTERRUPT_CHECK_ROWS === 0) this.checkInterrupted();
      }
    } catch (error) {
      throw this.statementError(error, entry, undefined);
    } finally {
      stmt.reset();
    }
    const changes = this.totalChanges() - before;
    return {
      columns: stmt.getColumnNames(),
      rows,
      totalRows,
      offset,
      truncated: totalRows - offset > rows.length,
      changes,
      durationMs: performance.now() - started,
    };
  }

  finalize(args: { statementId: number }): null {
    const entry = this.prepared.get(args.statementId);
    this.prepared.delete(args.statementId);
    if (entry?.stmt && entry.generation === this.generation) entry.stmt.free();
    return null;
  }

  // ---- Kafka sinks: raw messages in, rows and offsets out, one transaction per batch ----

  openSink(args: SqliteArgs<'openSink'>): { sinkId: number } {
    const { spec } = args;
    const statements = buildSinkStatements(spec.table, spec.columns, spec.primaryKey, spec.deadLetterTable);
    const entry = (sql: string): PreparedEntry => {
      const prepared: PreparedEntry = { sql, use: findSqlParameters(sql), stmt: undefined, generation: -1 };
      // Prepared now, so that a table that does not fit the statements fails the open, not the first batch.
      this.statementOf(prepared, -1);
      return prepared;
    };
    const sink: SinkEntry = {
      spec,
      width: spec.columns.length,
      insertRows: new Map([[1, entry(statements.insertRow)]]),
      insertParams: new Map(),
      insertRowsSql: statements.insertRows,
      insertDeadLetter: entry(statements.insertDeadLetter),
      storeOffset: entry(statements.storeOffset),
    };
    const sinkId = this.nextSinkId++;
    this.sinks.set(sinkId, sink);
    return { sinkId };
  }

  writeSinkBatch(args: SqliteArgs<'writeSinkBatch'>): SinkBatchResult | Promise<SinkBatchResult> {
    const started = performance.now();
    const sink = this.sinks.get(args.sinkId);
    if (!sink)
      throw new SqliteDatabaseError({
        kind: 'closed',
        file: this.file,
        message: `Sink ${args.sinkId} of ${this.file} was closed or never opened here. Open it again.`,
      });
    const messages = new PackedSinkMessages(args.messages, args.topic, args.partition);
    const size = Math.max(1, args.transactionSize ?? messages.count);
    const before = this.totalChanges();
    const transactions: SinkTransactionResult[] = [];
    let rows = 0;
    let deadLetters = 0;
    let previousOffset = args.previousOffset;
    // One transaction per `size` messages, each with the offset after its last message; a
    // failure rejects the write and leaves the transactions before it committed.
    do {
      const first = messages.index + 1;
      const mapped = mapNextSinkMessages(messages, size, sink.spec, args.at);
      const last = messages.index + 1 >= messages.count;
      const nextOffset = last ? args.nextOffset : messages.offset + 1;
      this.writeSinkTransaction(sink, mapped, args, previousOffset, nextOffset);
      transactions.push({ messages: messages.index + 1 - first, nextOffset, rows: mapped.rows, deadLetters: mapped.deadLetters.length });
      rows += mapped.rows;
      deadLetters += mapped.deadLetters.length;
      previousOffset = nextOffset;
    } while (messages.index + 1 < messages.count);
    return this.afterWrite(args.checkpoint, {
      rows,
      deadLetters,
      transactions,
      changes: this.totalChanges() - before,
      lastInsertRowid: this.lastInsertRowid(),
      durationMs: performance.now() - started,
    });
  }

  /** One transaction of a sink's batch: its rows, its dead letters and the partition's next offset. */
  private writeSinkTransaction(
    sink: SinkEntry,
    mapped: MappedSinkBatch,
    args: SqliteArgs<'writeSinkBatch'>,
    previousOffset: number,
    nextOffset: number,
  ): void {
    const { values, rows } = mapped;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      // As bindParameters binds them: exact integers as numbers, larger ones as text (INTEGER affinity keeps them exact).
      if (typeof value === 'bigint') values[i] = Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    }
    const steps = mapped.deadLetters.length > 0 ? 3 : 2;
    this.db.run('BEGIN');
    try {
      let row = 0;
      for (const size of SINK_ROWS_PER_STATEMENT) {
        if (rows - row < size) continue;
        let entry = sink.insertRows.get(size);
        if (!entry) {
          const sql = sink.insertRowsSql(size);
          entry = { sql, use: findSqlParameters(sql), stmt: undefined, generation: -1 };
          sink.insertRows.set(size, entry);
        }
        const stmt = this.statementOf(entry, -1);
        const count = size * sink.width;
        let params = sink.insertParams.get(size);
        if (!params) sink.insertParams.set(size, (params = new Array<SqlValue>(count)));
        while (rows - row >= size) {
          const from = row * sink.width;
          for (let i = 0; i < count; i++) params[i] = values[from + i] as SqlValue;
          try {
            stmt.run(params);
          } catch (error) {
            throw this.statementError(error, entry, { step: 0, steps, row, rows });
          }
          row += size;
          if (row % INTERRUPT_CHECK_ROWS < size) this.checkInterrupted();
        }
      }
      const deadLetter = this.statementOf(sink.insertDeadLetter, -1);
      mapped.deadLetters.forEach((params, index) => {
        try {
          deadLetter.run(params);
        } catch (error) {
          throw this.statementError(error, sink.insertDeadLetter, { step: 1, steps, row: index, rows: mapped.deadLetters.length });
        }
      });
      try {
        this.statementOf(sink.storeOffset, -1).run([sink.spec.table, args.topic, args.partition, nextOffset, previousOffset, args.at]);
      } catch (error) {
        throw this.statementError(error, sink.storeOffset, { step: steps - 1, steps, row: 0, rows: 1 });
      }
      this.checkInterrupted();
      this.db.run('COMMIT');
    } catch (error) {
      this.rollbackOpenTransaction();
      throw error;
    }
  }

  closeSink(args: { sinkId: number }): null {
    const sink = this.sinks.get(args.sinkId);
    this.sinks.delete(args.sinkId);
    if (!sink) return null;
    for (const entry of [...sink.insertRows.values(), sink.insertDeadLetter, sink.storeOffset]) {
      if (entry.stmt && entry.generation === this.generation) entry.stmt.free();
    }
    return null;
  }

  dropTable(args: SqliteArgs<'dropTable'>): RunResult | Promise<RunResult> {
    const started = performance.now();
    const type = tableType(this.db, args.table);
    if (type === undefined) throw noSuchTable(this.file, args.table);
    this.db.run(`DROP ${type === 'view' ? 'VIEW' : 'TABLE'} ${quoteIdentifier(args.table)}`);
    return this.afterWrite(args.checkpoint, {
      changes: 0,
      lastInsertRowid: this.lastInsertRowid(),
      durationMs: performance.now() - started,
    });
  }

  exportRows(args: SqliteArgs<'exportRows'>): ExportResult {
    const started = performance.now();
    let sql: string;
    let params: SqlParameters | undefined;
    if (args.table !== undefined) {
      if (tableType(this.db, args.table) === undefined) throw noSuchTable(this.file, args.table);
      sql = `SELECT * FROM ${quoteIdentifier(args.table)}`;
    } else if (args.sql !== undefined) {
      this.refuseSpecialStatements(args.sql, 'export');
      sql = args.sql;
      params = args.params;
    } else {
      throw new SqliteDatabaseError({ kind: 'sql', file: this.file, message: 'Nothing to export: give a table or a query.' });
    }
    const entry: PreparedEntry = { sql, use: findSqlParameters(sql), stmt: undefined, generation: -1 };
    const stmt = this.statementOf(entry, -1);
    try {
      const binds = this.bind(entry, params, 0);
      if (binds !== undefined) stmt.bind(binds);
      const target = path.resolve(args.file);
      const written = writeRowsToFile(stmt, args.format, target, () => this.checkInterrupted());
      return { file: target, ...written, durationMs: performance.now() - started };
    } catch (error) {
      if (error instanceof SqliteDatabaseError) throw error;
      if ((error as NodeJS.ErrnoException).code !== undefined)
        throw classifyFileError(error, args.file, `export ${args.table ?? 'the query'} from ${this.file} to`);
      throw this.statementError(error, entry, undefined);
    } finally {
      stmt.free();
    }
  }

  // ---- cursors: a big result fetched page by page ----

  async executeToCursor(args: SqliteArgs<'executeToCursor'>): Promise<CursorExecuteResult> {
    const { firstPageRows, ...rest } = args;
    const result = await this.execute({ ...rest, options: { ...rest.options, rowsOf: 'last' } });
    const last = result.statements.at(-1);
    if (!last) return { ...result, cursorId: undefined };
    const cursorId = this.nextCursorId++;
    this.cursors.set(cursorId, last.rows);
    const statements = [...result.statements.slice(0, -1), { ...last, rows: last.rows.slice(0, firstPageRows) }];
    return { ...result, statements, cursorId };
  }

  fetchCursor(args: SqliteArgs<'fetchCursor'>): SqlValue[][] {
    return this.cursorRows(args.cursorId).slice(args.offset, args.offset + args.limit);
  }

  async exportCursor(args: SqliteArgs<'exportCursor'>): Promise<ExportResult> {
    const started = performance.now();
    const rows = this.cursorRows(args.cursorId);
    const target = path.resolve(args.file);
    try {
      const written = await writeResultRowsToFile(args.columns, rows, args.format, target);
      return { file: target, ...written, durationMs: performance.now() - started };
    } catch (error) {
      throw classifyFileError((error as Error).cause ?? error, target, `export the query's rows from ${this.file} to`);
    }
  }

  closeCursor(args: SqliteArgs<'closeCursor'>): null {
    this.cursors.delete(args.cursorId);
    return null;
  }

  private cursorRows(cursorId: number): SqlValue[][] {
    const rows = this.cursors.get(cursorId);
    if (!rows)
      throw new SqliteDatabaseError({
        kind: 'closed',
        file: this.file,
        message: `The rows of result ${cursorId} on ${this.file} were released (closed, or the database was closed). Run the query again.`,
      });
    return rows;
  }

  // ---- durability ----

  async checkpoint(args: { overwrite: boolean }): Promise<CheckpointStats | null> {
    const outcome = await this.checkpoints.request('requested', args.overwrite);
    if (!outcome.ok) throw outcome.error;
    return outcome.stats ?? null;
  }

  reload(): OpenedDatabaseInfo {
    // Read first: a file that cannot be read (locked, damaged) must not cost the unsaved changes.
    const loaded = this.replaceDatabase();
    this.checkpoints.discard();
    return { file: this.file, existed: loaded, sizeBytes: Number(this.identity?.size ?? 0n) };
  }

  status(): DatabaseStatus {
    return {
      file: this.file,
      unsaved: this.checkpoints.unsaved,
      changedRowsSinceCheckpoint: this.checkpoints.unsaved ? this.totalChanges() - this.changesAtSave : 0,
      lastCheckpoint: this.lastCheckpoint,
      lastCheckpointError: this.lastCheckpointError,
    };
  }

  async close(): Promise<CloseResult> {
    await this.checkpoints.settle();
    let checkpoint: CheckpointStats | undefined;
    let discardedChangedRows = 0;
    if (this.checkpoints.saveOnClose) {
      const outcome = await this.checkpoints.request('close');
      // Stay open: the caller can free space and close again instead of losing the rows.
      if (!outcome.ok) throw outcome.error;
      checkpoint = outcome.stats;
    } else if (this.checkpoints.unsaved) {
      discardedChangedRows = this.totalChanges() - this.changesAtSave;
    }
    this.closed = true;
    this.cursors.clear();
    this.checkpoints.dispose();
    this.db.close();
    this.prepared.clear();
    this.sinks.clear();
    return { ...(checkpoint ? { checkpoint } : {}), discardedChangedRows };
  }

  // ---- internals ----

  private async afterWrite<T extends object>(policy: CheckpointPolicy, result: T): Promise<T & { checkpoint?: CheckpointStats }> {
    const wait = this.checkpoints.noteWrite(policy);
    if (!wait) return result;
    const outcome = await wait;
    if (!outcome.ok) throw new SqliteDatabaseError({ ...outcome.error.toJSON(), appliedInMemory: true }, { cause: outcome.error });
    return outcome.stats ? { ...result, checkpoint: outcome.stats } : result;
  }

  private async snapshot(reason: CheckpointReason, overwrite: boolean): Promise<SaveOutcome> {
    if (!this.checkpoints.unsaved) return { ok: true, stats: undefined };
    const started = performance.now();
    const changedRows = this.totalChanges() - this.changesAtSave;
    const onDisk = statIdentity(this.file);
    if (!overwrite && !sameIdentity(onDisk, this.identity))
      return { ok: false, error: this.conflictError(onDisk === undefined, changedRows) };
    let bytes: Uint8Array;
    try {
      bytes = this.db.export();
    } catch (error) {
      const error2 = new SqliteDatabaseError(
        {
          kind: 'io',
          file: this.file,
          message: `Could not take a snapshot of ${this.file}: ${(error as Error).message}. The changes stay in memory; try again.`,
        },
        { cause: error },
      );
      return { ok: false, error: error2 };
    }
    const seq = this.checkpoints.captured();
    const totalChanges = this.changesAtSave + changedRows;
    if (this.statementsClosedByExport) this.generation++;
    const exportMs = performance.now() - started;
    this.writing = true;
    try {
      await writeFileAtomically(this.file, bytes);
    } catch (error) {
      const failure = classifyFileError(
        error,
        this.file,
        'save',
        `The file still holds the previous checkpoint; the ${changedRows} changed row(s) since then are kept in memory and saved by the next checkpoint or on close.`,
      );
      this.lastCheckpointError = failure.message;
      return { ok: false, error: failure };
    } finally {
      this.writing = false;
    }
    this.identity = statIdentity(this.file);
    this.changesAtSave = totalChanges;
    this.checkpoints.saved(seq);
    const totalMs = performance.now() - started;
    const stats: CheckpointStats = { reason, bytes: bytes.length, exportMs, writeMs: totalMs - exportMs, totalMs, changedRows };
    this.lastCheckpoint = stats;
    this.lastCheckpointError = undefined;
    this.host.onEvent({ type: 'checkpointed', stats });
    return { ok: true, stats };
  }

  /** Reads the file again when another program replaced or changed it, unless changes of ours are unsaved. */
  private refreshFromDisk(): void {
    if (this.writing || this.checkpoints.unsaved) return;
    if (sameIdentity(statIdentity(this.file), this.identity)) return;
    this.replaceDatabase();
  }

  /** Swaps in the file's current content (an empty database when it is gone); true when the file exists. */
  private replaceDatabase(): boolean {
    const loaded = readDatabaseFile(this.file);
    const db = openSqlJsDatabase(this.sqlJs, this.file, loaded?.bytes);
    // Closing frees every statement of the old database; entries are prepared again on their next use.
    this.db.close();
    this.db = db;
    this.generation++;
    this.totalChangesStmt = undefined;
    this.lastInsertRowidStmt = undefined;
    this.identity = loaded?.identity;
    this.changesAtSave = 0;
    return loaded !== undefined;
  }

  /** The entry's sql.js statement, prepared again if the database or an export invalidated it. */
  private statementOf(entry: PreparedEntry, statementId: number): Statement {
    if (entry.stmt && entry.generation === this.generation) return entry.stmt;
    try {
      entry.stmt = this.db.prepare(entry.sql);
      entry.generation = this.generation;
      return entry.stmt;
    } catch (error) {
      const what = statementId > 0 ? `prepared statement ${statementId}` : 'the statement';
      throw new SqliteDatabaseError(
        {
          kind: 'sql',
          file: this.file,
          sqliteMessage: (error as Error).message,
          position: { statementIndex: 0, offset: 0, line: 1, column: 1 },
          message: `SQLite rejected ${what} on ${this.file}: ${(error as Error).message}. Statement: ${excerpt(entry.sql)}`,
        },
        { cause: error },
      );
    }
  }

  private entry(statementId: number): PreparedEntry {
    const entry = this.prepared.get(statementId);
    if (!entry)
      throw new SqliteDatabaseError({
        kind: 'closed',
        file: this.file,
        message: `Prepared statement ${statementId} of ${this.file} was finalized or never prepared here. Prepare it again.`,
      });
    return entry;
  }

  private bind(entry: PreparedEntry, params: SqlParameters | undefined, row: number): ReturnType<typeof bindParameters> {
    try {
      return bindParameters(entry.use, params, false);
    } catch (error) {
      throw new SqliteDatabaseError(
        {
          kind: 'parameters',
          file: this.file,
          message: `Could not bind the parameters${row > 0 ? ` of row ${row + 1}` : ''} of ${excerpt(entry.sql)} on ${this.file}: ${(error as Error).message}.`,
        },
        { cause: error },
      );
    }
  }

  private statementError(
    error: unknown,
    entry: PreparedEntry,
    at: { step: number; steps: number; row: number; rows: number } | undefined,
  ): SqliteDatabaseError {
    if (error instanceof SqliteDatabaseError) return error;
    const sqliteMessage = error instanceof Error ? error.message : String(error);
    const where = at
      ? ` (${at.steps > 1 ? `step ${at.step + 1} of ${at.steps}, ` : ''}row ${at.row + 1} of ${at.rows}; no row of this transaction was kept)`
      : '';
    return new SqliteDatabaseError(
      {
        kind: 'sql',
        file: this.file,
        sqliteMessage,
        position: { statementIndex: at?.step ?? 0, offset: 0, line: 1, column: 1 },
        message: `SQLite rejected ${excerpt(entry.sql)} on ${this.file}${where}: ${sqliteMessage}`,
      },
      { cause: error },
    );
  }

  private runOptions(params: SqlParameters | undefined, options: QueryOptions, rowsOf: 'all' | 'last', single: boolean) {
    return {
      file: this.file,
      params,
      offset: options.offset ?? 0,
      limit: options.limit ?? DEFAULT_LIMIT,
      rowsOf,
      single,
      totalChanges: () => this.totalChanges(),
      checkInterrupted: () => this.checkInterrupted(),
    };
  }

  private refuseSpecialStatements(sql: string, where: 'query' | 'prepare' | 'transaction' | 'export'): void {
    const keywords = statementKeywords(sql);
    if (keywords.includes('ATTACH') || keywords.includes('DETACH')) throw this.attachRefused();
    const control = keywords.find((k) => TRANSACTION_KEYWORDS.has(k));
    if (control)
      throw new SqliteDatabaseError({
        kind: 'sql',
        file: this.file,
        message: `${control} cannot run through ${where} on ${this.file}: ${where === 'transaction' ? 'the transaction is managed for you' : 'transactions span one call'}. Run scripts that manage transactions with execute.`,
      });
    // Refused before anything runs: a first statement that wrote, then a refusal, would leave a change no one asked to save.
    if (keywords.length > 1)
      throw new SqliteDatabaseError({
        kind: 'sql',
        file: this.file,
        message: `${where} takes one statement, but the text has ${keywords.length}. ${where === 'prepare' ? 'Prepare them one by one' : 'Run them one by one'}, or run the script with execute.`,
      });
  }

  private attachRefused(): SqliteDatabaseError {
    return new SqliteDatabaseError({
      kind: 'sql',
      file: this.file,
      message: `ATTACH and DETACH are not supported on ${this.file}: the database runs in memory (sql.js) and cannot reach other files from SQL. Open each database on its own.`,
    });
  }

  private explainScriptFailure(error: unknown, atomic: boolean, rolledBack: boolean): SqliteDatabaseError {
    const base = error instanceof SqliteDatabaseError ? error : SqliteDatabaseError.serialize(error, this.file);
    const details = base instanceof SqliteDatabaseError ? base.toJSON() : base;
    const index = details.position?.statementIndex;
    const consequence = atomic
      ? ' No change from this script was kept: it ran in one transaction.'
      : `${index !== undefined && index > 0 ? ` Statements before it were kept.` : ''}${rolledBack ? ' The transaction it had begun was rolled back.' : ''}`;
    const sentence = /[.!?]$/.test(details.message) ? details.message : `${details.message}.`;
    return new SqliteDatabaseError({ ...details, message: `${sentence}${consequence}` }, { cause: error });
  }

  /** Rolls back a transaction left open (by a failure or a script); true if there was one. */
  private rollbackOpenTransaction(): boolean {
    // sql.js does not export sqlite3_get_autocommit: BEGIN fails exactly when a transaction is open.
    try {
      this.db.run('BEGIN');
    } catch {
      this.db.run('ROLLBACK');
      return true;
    }
    this.db.run('ROLLBACK');
    return false;
  }

  private totalChanges(): number {
    if (!this.totalChangesStmt || this.totalChangesStmt.generation !== this.generation)
      this.totalChangesStmt = { stmt: this.db.prepare('SELECT total_changes()'), generation: this.generation };
    const { stmt } = this.totalChangesStmt;
    stmt.step();
    const value = stmt.get()[0] as number;
    stmt.reset();
    return value;
  }

  private lastInsertRowid(): number {
    // Prepared once, as total_changes(): every write asks for it (a sink hundreds of times a second).
    if (!this.lastInsertRowidStmt || this.lastInsertRowidStmt.generation !== this.generation)
      this.lastInsertRowidStmt = { stmt: this.db.prepare('SELECT last_insert_rowid()'), generation: this.generation };
    const { stmt } = this.lastInsertRowidStmt;
    stmt.step();
    const value = Number(stmt.get()[0] ?? 0);
    stmt.reset();
    return value;
  }

  private checkInterrupted(): void {
    const flag = this.host.interrupt;
    if (!flag || this.currentRequest === 0 || Atomics.load(flag, 0) !== this.currentRequest) return;
    throw new SqliteDatabaseError({
      kind: 'interrupted',
      file: this.file,
      message: `The work on ${this.file} was interrupted on request; what it had not committed was rolled back.`,
    });
  }

  private conflictError(deleted: boolean, changedRows: number): SqliteDatabaseError {
    return new SqliteDatabaseError({
      kind: 'conflict',
      file: this.file,
      message: `Did not save ${this.file}: another program ${deleted ? 'deleted or moved it' : 'changed it'} since Dagstream last read it, and saving would overwrite that. Dagstream's ${changedRows} unsaved changed row(s) are kept in memory. Save anyway with a checkpoint that overwrites, or reload to take the file's content and drop Dagstream's changes.`,
    });
  }
}

function excerpt(sql: string): string {
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return JSON.stringify(oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine);
}
