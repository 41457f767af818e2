import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError, PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import {
  projectionSequence,
  reconciliationDifferences,
  reconciliationLastRunSeconds,
} from '../observability/reporting-metrics';
import { REPORTING_CONFIG, type ReportingConfig } from '../reporting-config';
import { ReconciliationService } from './reconciliation.service';

export interface ReconciliationSummary {
  readonly generation: number;
  readonly checkedAt: Date;
  readonly differenceCount: number;
  readonly contiguousSequence: string;
}

/**
 * Reconciles the active generation every RECONCILIATION_INTERVAL_SECONDS: the result feeds the
 * `reconciliation differences` alert and the dashboard's status line (analysts may not call the
 * operators' reconciliation endpoint, but may see whether it passes).
 */
@Injectable()
export class ReconciliationMonitor extends PeriodicJob {
  private readonly logger = new Logger('ReconciliationMonitor');
  private last: ReconciliationSummary | null = null;

  constructor(
    private readonly reconciliation: ReconciliationService,
    @Inject(REPORTING_CONFIG) private readonly config: ReportingConfig,
  ) {
    super();
  }

  protected schedule(): PeriodicJobSchedule {
    const seconds = this.config.RECONCILIATION_INTERVAL_SECONDS;
    return {
      name: 'reconciliation',
      intervalMs: seconds * 1_000,
      logger: this.logger,
      enabled: seconds !== 0,
    };
  }

  protected runPass(): Promise<unknown> {
    return this.runOnce();
  }

  /** The last result, or null before the first run. */
  lastResult(): ReconciliationSummary | null {
    return this.last;
  }

  async runOnce(): Promise<ReconciliationSummary | null> {
    let report;
    try {
      report = await this.reconciliation.run(undefined, undefined);
    } catch (error) {
      if (error instanceof ApiError) return null; // no active generation yet
      throw error;
    }
    const summary: ReconciliationSummary = {
      generation: report.generation,
      checkedAt: new Date(),
      differenceCount: report.differences.length,
      contiguousSequence: report.figures[0]?.contiguousSequence ?? '0',
    };
    this.last = summary;
    reconciliationDifferences.set(summary.differenceCount);
    reconciliationLastRunSeconds.set(summary.checkedAt.getTime() / 1000);
    projectionSequence.set(Number(summary.contiguousSequence));
    if (summary.differenceCount > 0) {
      this.logger.warn(
        `generation ${summary.generation}: reconciliation found ${summary.differenceCount} differences`,
      );
    }
    return summary;
  }
}
