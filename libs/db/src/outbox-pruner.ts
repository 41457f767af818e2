import { deleteInBatches } from './batched-delete';
import type { DataSource } from 'typeorm';

export interface OutboxPrunerOptions {
  /** Published rows older than this are deleted; unpublished rows stay whatever their age. */
  readonly retentionHours: number;
  /** Rows one DELETE removes: few locks, held briefly, and a short WAL burst. */
  readonly batchSizeMax?: number;
  /** Batches per pass: a backlog is worked off over several passes rather than in one long burst. */
  readonly batchesPerPassMax?: number;
}

/**
 * Deletes published outbox rows once they are older than the retention: Kafka holds the events
 * from then on, and the outbox would otherwise grow with every event for good. It never touches
 * an unpublished row, and it skips rows another transaction has locked (SKIP LOCKED) instead of
 * waiting for them, so it never holds up the relay and two pruners at once only split the work.
 */
export class OutboxPruner {
  private readonly batchSizeMax: number;
  private readonly batchesPerPassMax: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: OutboxPrunerOptions,
  ) {
    this.batchSizeMax = options.batchSizeMax ?? 5_000;
    this.batchesPerPassMax = options.batchesPerPassMax ?? 100;
  }

  /** One pass: batches until one comes back short or the batch limit is reached; returns rows deleted. */
  pruneOnce(): Promise<number> {
    return deleteInBatches(() => this.deleteBatch(), this.batchSizeMax, this.batchesPerPassMax);
  }

  /** Deletes up to batchSizeMax of the oldest published rows past the retention. */
  async deleteBatch(): Promise<number> {
    // Oldest first along outbox_published; `published_at < …` is never true for an unpublished row.
    // TypeORM answers a DELETE with [rows, affected count].
    const [, deleted]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox
          WHERE published_at < now() - make_interval(hours => $1)
          ORDER BY published_at LIMIT $2
          FOR UPDATE SKIP LOCKED)`,
      [this.options.retentionHours, this.batchSizeMax],
    );
    return deleted;
  }
}
