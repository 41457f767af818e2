import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { isTransientDatabaseError } from '@platform/db';
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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly payouts: PayoutsService,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.PAYOUT_SCHEDULE !== 'daily') return;
    this.timer = setInterval(() => {
      if (this.running !== null) return;
      this.running = this.payouts
        .requestDailyPayouts(new Date())
        .then((count) => {
          if (count > 0) this.logger.log(`${count} daily payouts requested`);
        })
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          if (isTransientDatabaseError(error)) this.logger.warn(`daily payouts postponed: ${message}`);
          else this.logger.error(`daily payouts failed: ${message}`);
        })
        .finally(() => (this.running = null));
    }, this.config.PAYOUT_CHECK_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await this.running;
  }
}
