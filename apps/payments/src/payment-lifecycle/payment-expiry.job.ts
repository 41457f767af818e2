import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { PAYMENTS_CONFIG, authorizationExpiryMs, type PaymentsConfig } from '../payments-config';
import { PaymentLifecycle } from './payment-lifecycle.service';
import { PaymentRepository } from './payment.repository';

/** Payments expired per scan; the next scan takes the rest. */
export const EXPIRY_BATCH_MAX = 100;

/**
 * Every EXPIRY_SCAN_INTERVAL_MS, cancels authorizations older than their lifetime and fails
 * payments whose customer action expired. Each payment is expired in its own transaction, under
 * its row lock, so a capture racing the job either wins or is rejected, never both.
 */
@Injectable()
export class PaymentExpiryJob extends PeriodicJob {
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
      name: 'expiry scan',
      intervalMs: this.config.EXPIRY_SCAN_INTERVAL_MS,
      logger: new Logger('PaymentExpiry'),
    };
  }

  protected runPass(): Promise<unknown> {
    return this.scan();
  }

  /** One pass; returns how many payments were looked at. */
  async scan(now: Date = new Date()): Promise<number> {
    const authorizedBefore = new Date(now.getTime() - authorizationExpiryMs(this.config));
    const found = await this.payments.findExpired(authorizedBefore, now, EXPIRY_BATCH_MAX);
    for (const { id, version } of found) {
      await this.dataSource.transaction((manager) => this.lifecycle.expire(id, version, manager));
    }
    return found.length;
  }
}
