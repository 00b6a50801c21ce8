import type { SqliteTransport } from './SqliteTransport';
import type { CheckpointPolicy, QueryOptions, QueryResult, RunResult, SqlParameters } from './sqliteTypes';

/**
 * One statement prepared once and run many times (the hot path of inserts). It lives in the
 * engine, which prepares it again by itself whenever its sql.js statement stops being valid
 * (the file was read again after another program changed it; an export that closes
 * statements, as sql.js before 1.9 did), so a snapshot never breaks it.
 */
export class PreparedStatement {
  private finalized = false;

  constructor(
    private readonly transport: SqliteTransport,
    readonly id: number,
    readonly sql: string,
    /** Result column names (empty for statements that return no rows). */
    readonly columns: readonly string[],
    private readonly defaultPolicy: CheckpointPolicy,
    private readonly onFinalize: (statement: PreparedStatement) => void,
  ) {}

  run(params?: SqlParameters, options: { checkpoint?: CheckpointPolicy } = {}): Promise<RunResult> {
    return this.transport.call('run', { statementId: this.id, params, checkpoint: options.checkpoint ?? this.defaultPolicy });
  }

  /** Runs the statement once per row of parameters, all in one transaction (all rows or none). */
  runMany(rows: readonly SqlParameters[], options: { checkpoint?: CheckpointPolicy } = {}): Promise<RunResult> {
    return this.transport.call('runMany', { statementId: this.id, rows, checkpoint: options.checkpoint ?? this.defaultPolicy });
  }

  /** The statement's rows (paged by offset and limit; totalRows counts them all). */
  all(params?: SqlParameters, options: QueryOptions = {}): Promise<QueryResult> {
    return this.transport.call('queryPrepared', { statementId: this.id, params, options });
  }

  async finalize(): Promise<void> {
    if (this.finalized) return;
    this.finalized = true;
    this.onFinalize(this);
    await this.transport.call('finalize', { statementId: this.id });
  }
}
