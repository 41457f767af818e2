import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments-config';
import { PaymentLifecycle } from './payment-lifecycle.service';
import { PaymentRepository } from './payment.repository';

/** Payments timed out per scan; the next scan takes the rest. */
export const RISK_TIMEOUT_BATCH_MAX = 100;

/**
 * Every RISK_TIMEOUT_SCAN_INTERVAL_MS, applies the merchant's fail-open or fail-closed policy to
 * payments whose first risk assessment is past RISK_ASSESSMENT_TIMEOUT_SECONDS. Each payment is
 * handled in its own transaction under its row lock, so a risk.assessed racing the job is applied
 * either before it (the deadline is cleared and the job does nothing) or after it (and ignored).
 */
@Injectable()
export class RiskTimeoutJob extends PeriodicJob {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly payments: PaymentRepository,
    private readonly lifecycle: PaymentLifecycle,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {
    super();
  }

  protected schedule(): PeriodicJobSchedule {
    return {
      name: 'risk-timeout scan',
      intervalMs: this.config.RISK_TIMEOUT_SCAN_INTERVAL_MS,
      logger: new Logger('RiskTimeout'),
    };
  }

  protected runPass(): Promise<unknown> {
    return this.scan();
  }

  /** One pass; returns how many payments were looked at. */
  async scan(now: Date = new Date()): Promise<number> {
    const found = await this.payments.findRiskOverdue(now, RISK_TIMEOUT_BATCH_MAX);
    for (const { id, version } of found) {
      await this.dataSource.transaction((manager) =>
        this.lifecycle.timeOutRiskAssessment(id, version, manager, now),
      );
    }
    return found.length;
  }
}
