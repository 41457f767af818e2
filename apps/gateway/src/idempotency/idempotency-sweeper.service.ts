import { Inject, Injectable, Logger } from '@nestjs/common';
import { deleteInBatches } from '@platform/db';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

/** How often old idempotency claims are swept, and how many one statement deletes. */
const SWEEP_INTERVAL_MS = 10 * 60_000;
const SWEEP_BATCH_SIZE = 5_000;
/** Batches per sweep: a backlog is worked off over several sweeps rather than in one long burst. */
const SWEEP_BATCHES_MAX = 20;

/**
 * Deletes idempotency claims older than IDEMPOTENCY_RETENTION_HOURS (and past their TTL), so the
 * table holds about a day of keys rather than every key ever sent. Every instance sweeps; SKIP
 * LOCKED keeps two sweeps off each other's rows.
 */
@Injectable()
export class IdempotencySweeper extends PeriodicJob {
  private readonly logger = new Logger('IdempotencySweeper');

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly claims: IdempotencyKeysRepository,
  ) {
    super();
  }

  /** One sweep: batches until one comes back short or the batch limit is reached. */
  async sweepOnce(): Promise<number> {
    const deleted = await deleteInBatches(
      (batchSize) => this.claims.deleteExpired(this.config.IDEMPOTENCY_RETENTION_HOURS, batchSize),
      SWEEP_BATCH_SIZE,
      SWEEP_BATCHES_MAX,
    );
    if (deleted > 0) this.logger.log(`deleted ${deleted} idempotency keys`);
    return deleted;
  }

  protected schedule(): PeriodicJobSchedule {
    return {
      name: 'idempotency sweep',
      intervalMs: SWEEP_INTERVAL_MS,
      logger: this.logger,
    };
  }

  protected runPass(): Promise<unknown> {
    return this.sweepOnce();
  }
}
