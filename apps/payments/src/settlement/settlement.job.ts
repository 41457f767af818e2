import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PeriodicTask } from '@platform/service-runtime';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments-config';
import { SettleCaptures, startOfUtcDay } from './settle-captures.service';

/**
 * With SETTLEMENT_SCHEDULE=daily, every SETTLEMENT_CHECK_INTERVAL_MS settles the captures of the
 * days before today (UTC). The first check of a day settles the day before; later ones find
 * nothing but captures the ledger booked late, which get a settlement of their own.
 */
@Injectable()
export class SettlementJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    settle: SettleCaptures,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {
    this.task = new PeriodicTask({
      name: 'settlement',
      intervalMs: config.SETTLEMENT_CHECK_INTERVAL_MS,
      logger: new Logger('SettlementJob'),
      pass: () => settle.run(startOfUtcDay(new Date())),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.SETTLEMENT_SCHEDULE === 'daily') this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
