import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { paymentsProcessingPastDeadline, paymentsProcessingPastDeadlineSecondsMax } from './payment-metrics';

export const DEADLINE_SAMPLE_INTERVAL_MS = 15_000;

/**
 * Samples the payments that are processing past their deadline for the "payment processing
 * longer than its deadline" alert. The read walks the partial index payments_awaiting_risk, so
 * it costs only the overdue rows.
 */
@Injectable()
export class PaymentDeadlineMetricsJob extends PeriodicJob {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  protected schedule(): PeriodicJobSchedule {
    return {
      name: 'payment deadline sample',
      intervalMs: DEADLINE_SAMPLE_INTERVAL_MS,
      logger: new Logger('PaymentMetrics'),
    };
  }

  protected runPass(): Promise<unknown> {
    return this.sample();
  }

  override onApplicationBootstrap(): void {
    void this.sample().catch(() => undefined);
    super.onApplicationBootstrap();
  }

  async sample(now: Date = new Date()): Promise<{ overdue: number; secondsPastMax: number }> {
    const [row] = await this.dataSource.query<{ overdue: number; seconds_past_max: string | null }[]>(
      `SELECT count(*)::int AS overdue, extract(epoch FROM $1::timestamptz - min(risk_deadline_at))::text
              AS seconds_past_max
         FROM payments WHERE status = 'processing' AND risk_deadline_at < $1`,
      [now.toISOString()],
    );
    const overdue = row?.overdue ?? 0;
    const secondsPastMax = Math.max(0, Number(row?.seconds_past_max ?? 0));
    paymentsProcessingPastDeadline.set(overdue);
    paymentsProcessingPastDeadlineSecondsMax.set(secondsPastMax);
    return { overdue, secondsPastMax };
  }
}
