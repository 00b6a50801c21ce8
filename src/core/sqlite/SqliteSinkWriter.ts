import type { SqliteTransport } from './SqliteTransport';
import type { CheckpointPolicy, SinkBatchResult, SinkBatchWrite } from './sqliteTypes';

/**
 * A Kafka sink's writer on its table (see SqliteDatabase.openSink): each write hands a packed
 * batch of raw messages to the database's thread, which maps them to rows and dead letters and
 * stores them with the partition's next offset in one transaction. Writes run in the order they
 * were made.
 */
export class SqliteSinkWriter {
  private closed = false;

  constructor(
    private readonly transport: SqliteTransport,
    readonly id: number,
    private readonly defaultPolicy: CheckpointPolicy,
    private readonly onClose: (writer: SqliteSinkWriter) => void,
  ) {}

  /** `batch.messages` is transferred: do not use it afterwards. */
  write(batch: Omit<SinkBatchWrite, 'sinkId'>, options: { checkpoint?: CheckpointPolicy } = {}): Promise<SinkBatchResult> {
    return this.transport.call(
      'writeSinkBatch',
      { ...batch, sinkId: this.id, checkpoint: options.checkpoint ?? this.defaultPolicy },
      undefined,
      [batch.messages],
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    await this.transport.call('closeSink', { sinkId: this.id });
  }
}
