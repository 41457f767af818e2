import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { isTransientDatabaseError } from '@platform/db';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments-config';
import { SettleCaptures, startOfUtcDay } from './settle-captures.service';

/**
 * With SETTLEMENT_SCHEDULE=daily, every SETTLEMENT_CHECK_INTERVAL_MS settles the captures of the
 * days before today (UTC). The first check of a day settles the day before; later ones find
 * nothing but captures the ledger booked late, which get a settlement of their own.
 */
@Injectable()
export class SettlementJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SettlementJob');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly settle: SettleCaptures,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.SETTLEMENT_SCHEDULE !== 'daily') return;
    this.timer = setInterval(() => {
      if (this.running !== null) return;
      this.running = this.settle
        .run(startOfUtcDay(new Date()))
        .then(() => undefined)
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          if (isTransientDatabaseError(error)) this.logger.warn(`settlement postponed: ${message}`);
          else this.logger.error(`settlement failed: ${message}`);
        })
        .finally(() => (this.running = null));
    }, this.config.SETTLEMENT_CHECK_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await this.running;
  }
}
