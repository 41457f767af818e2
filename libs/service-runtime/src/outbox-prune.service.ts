import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxPruner } from '@platform/db';
import { PeriodicJob, type PeriodicJobSchedule } from './periodic-job';
import { PLATFORM_OPTIONS, outboxRetentionHours, type PlatformOptions } from './platform-options';

/** How often a pass runs; one pass deletes at most OutboxPruner's batch size times batches. */
export const OUTBOX_PRUNE_INTERVAL_MS = 10 * 60_000;

/**
 * Every OUTBOX_PRUNE_INTERVAL_MS, deletes the published outbox rows older than
 * OUTBOX_RETENTION_HOURS. Registered only for services that prune (see outboxRetentionHours).
 * Every instance runs it; two at once skip each other's rows.
 */
@Injectable()
export class OutboxPruneService extends PeriodicJob {
  private readonly logger = new Logger('OutboxPrune');
  private readonly pruner: OutboxPruner;
  private readonly retentionHours: number;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(PLATFORM_OPTIONS) options: PlatformOptions,
  ) {
    super();
    const retentionHours = outboxRetentionHours(options);
    if (retentionHours === null) {
      throw new Error('OutboxPruneService registered for a service that keeps its outbox');
    }
    this.retentionHours = retentionHours;
    this.pruner = new OutboxPruner(dataSource, { retentionHours });
  }

  protected schedule(): PeriodicJobSchedule {
    return { name: 'outbox prune', intervalMs: OUTBOX_PRUNE_INTERVAL_MS, logger: this.logger };
  }

  protected async runPass(): Promise<void> {
    const deleted = await this.pruner.pruneOnce();
    if (deleted > 0) {
      this.logger.log(`deleted ${deleted} published outbox rows older than ${this.retentionHours} h`);
    }
  }
}
