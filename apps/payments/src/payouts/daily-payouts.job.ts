import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments-config';
import { PayoutsService } from './payouts.service';

/**
 * With PAYOUT_SCHEDULE=daily, every PAYOUT_CHECK_INTERVAL_MS pays each merchant out its whole
 * available balance per currency; the payout id is derived from the merchant, currency and UTC
 * day, so each is paid out at most once a day however often the job looks.
 */
@Injectable()
export class DailyPayoutsJob extends PeriodicJob {
  private readonly logger = new Logger('DailyPayouts');

  constructor(
    private readonly payouts: PayoutsService,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {
    super();
  }

  protected schedule(): PeriodicJobSchedule {
    return {
      name: 'daily payouts',
      intervalMs: this.config.PAYOUT_CHECK_INTERVAL_MS,
      logger: this.logger,
      enabled: this.config.PAYOUT_SCHEDULE === 'daily',
    };
  }

  protected runPass(): Promise<unknown> {
    return this.run();
  }

  /** One pass; returns how many payouts were requested. */
  async run(now: Date = new Date()): Promise<number> {
    const count = await this.payouts.requestDailyPayouts(now);
    if (count > 0) this.logger.log(`${count} daily payouts requested`);
    return count;
  }
}
