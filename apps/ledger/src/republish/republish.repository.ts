import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Republishing hands the ledger.entry_posted rows of the outbox back to the relay: the very same
 * messages, same event ids, so consumers that saw them drop them as duplicates. The relay publishes
 * in outbox id order, which is sequence order (both are taken under the ledger head lock).
 * Relies on the outbox keeping published rows: the ledger opts out of outbox pruning (ledger.module.ts).
 */
@Injectable()
export class RepublishRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async markForRepublish(
    fromSequence: bigint,
    toSequence: bigint | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number> {
    // Counted through a CTE: TypeORM returns [rows, rowCount] for a bare UPDATE.
    const [marked] = await manager.query<{ n: number }[]>(
      `WITH marked AS (
         UPDATE outbox SET published_at = NULL
          WHERE event_type = 'ledger.entry_posted' AND published_at IS NOT NULL
            AND (payload -> 'data' ->> 'sequence')::bigint >= $1
            AND ($2::bigint IS NULL OR (payload -> 'data' ->> 'sequence')::bigint <= $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM marked`,
      [fromSequence.toString(), toSequence?.toString() ?? null],
    );
    return marked?.n ?? 0;
  }
}
