import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PeriodicTask } from '@platform/service-runtime';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments-config';
import { PayoutsService } from './payouts.service';

/**
 * With PAYOUT_SCHEDULE=daily, every PAYOUT_CHECK_INTERVAL_MS pays each merchant out its whole
 * available balance per currency; the payout id is derived from the merchant, currency and UTC
 * day, so each is paid out at most once a day however often the job looks.
 */
@Injectable()
export class DailyPayoutsJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DailyPayouts');
  private readonly task: PeriodicTask;

  constructor(
    private readonly payouts: PayoutsService,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {
    this.task = new PeriodicTask({
      name: 'daily payouts',
      intervalMs: config.PAYOUT_CHECK_INTERVAL_MS,
      logger: this.logger,
      pass: () => this.run(),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.PAYOUT_SCHEDULE === 'daily') this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One pass; returns how many payouts were requested. */
  async run(now: Date = new Date()): Promise<number> {
    const count = await this.payouts.requestDailyPayouts(now);
    if (count > 0) this.logger.log(`${count} daily payouts requested`);
    return count;
  }
}
