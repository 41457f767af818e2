import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The only code that writes projection_checkpoints. */
@Injectable()
export class CheckpointRepository {
  /** Records one more applied event, in the transaction that changed the projection's rows. */
  async advance(manager: EntityManager, projection: string, ledgerSequence: bigint): Promise<void> {
    await manager.query(
      `INSERT INTO projection_checkpoints (projection, last_sequence, events_applied, updated_at)
       VALUES ($1, $2, 1, now())
       ON CONFLICT (projection) DO UPDATE
         SET last_sequence = GREATEST(projection_checkpoints.last_sequence, EXCLUDED.last_sequence),
             events_applied = projection_checkpoints.events_applied + 1,
             updated_at = now()`,
      [projection, ledgerSequence.toString()],
    );
  }
}
