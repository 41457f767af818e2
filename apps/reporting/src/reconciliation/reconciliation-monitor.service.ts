import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ApiError, PeriodicTask } from '@platform/service-runtime';
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
export class ReconciliationMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReconciliationMonitor');
  private readonly task: PeriodicTask | null;
  private last: ReconciliationSummary | null = null;

  constructor(
    private readonly reconciliation: ReconciliationService,
    @Inject(REPORTING_CONFIG) config: ReportingConfig,
  ) {
    const seconds = config.RECONCILIATION_INTERVAL_SECONDS;
    this.task =
      seconds === 0
        ? null
        : new PeriodicTask({
            name: 'reconciliation',
            intervalMs: seconds * 1_000,
            logger: this.logger,
            pass: () => this.runOnce(),
          });
  }

  onApplicationBootstrap(): void {
    this.task?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
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
