import { Inject, Injectable, Logger } from '@nestjs/common';
import { deleteInBatches } from '@platform/db';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { longestWindowSeconds } from '../domain/rule-sets';
import { RISK_CONFIG, type RiskConfig } from '../risk-config';
import { RuleSetRepository } from '../rules/rule-set.repository';
import { VelocityRepository } from './velocity.repository';

/** Observations deleted per statement; a pass repeats until fewer are left, up to PRUNE_BATCHES_MAX. */
export const PRUNE_BATCH_SIZE = 10_000;
export const PRUNE_BATCHES_MAX = 100;

/**
 * Every VELOCITY_PRUNE_INTERVAL_MS, deletes velocity observations older than the longest window
 * of any stored rule set (and at least VELOCITY_RETENTION_MIN_HOURS old): nothing a rule could
 * still count. Any instance may run it; two at once only delete the same rows.
 */
@Injectable()
export class VelocityPruneJob extends PeriodicJob {
  private readonly logger = new Logger('VelocityPrune');

  constructor(
    private readonly ruleSets: RuleSetRepository,
    private readonly velocity: VelocityRepository,
    @Inject(RISK_CONFIG) private readonly config: RiskConfig,
  ) {
    super();
  }

  /** One pass; returns how many observations were deleted. */
  async prune(): Promise<number> {
    const rules = (await this.ruleSets.all()).flatMap((ruleSet) => ruleSet.rules);
    const keepSeconds = Math.max(
      longestWindowSeconds(rules),
      this.config.VELOCITY_RETENTION_MIN_HOURS * 3_600,
    );
    const deleted = await deleteInBatches(
      (batchSize) => this.velocity.pruneOlderThan(keepSeconds, batchSize),
      PRUNE_BATCH_SIZE,
      PRUNE_BATCHES_MAX,
    );
    if (deleted > 0) this.logger.log(`deleted ${deleted} velocity observations older than ${keepSeconds} s`);
    return deleted;
  }

  protected schedule(): PeriodicJobSchedule {
    return {
      name: 'velocity prune',
      intervalMs: this.config.VELOCITY_PRUNE_INTERVAL_MS,
      logger: this.logger,
    };
  }

  protected runPass(): Promise<unknown> {
    return this.prune();
  }
}
