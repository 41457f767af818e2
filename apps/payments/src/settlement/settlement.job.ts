import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments-config';
import { SettleCaptures, startOfUtcDay } from './settle-captures.service';

/**
 * With SETTLEMENT_SCHEDULE=daily, every SETTLEMENT_CHECK_INTERVAL_MS settles the captures of the
 * days before today (UTC). The first check of a day settles the day before; later ones find
 * nothing but captures the ledger booked late, which get a settlement of their own.
 */
@Injectable()
export class SettlementJob extends PeriodicJob {
  constructor(
    private readonly settle: SettleCaptures,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {
    super();
  }

  protected schedule(): PeriodicJobSchedule {
    return {
      name: 'settlement',
      intervalMs: this.config.SETTLEMENT_CHECK_INTERVAL_MS,
      logger: new Logger('SettlementJob'),
      enabled: this.config.SETTLEMENT_SCHEDULE === 'daily',
    };
  }

  protected runPass(): Promise<unknown> {
    return this.settle.run(startOfUtcDay(new Date()));
  }
}
