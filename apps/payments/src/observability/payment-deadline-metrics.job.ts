import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PeriodicTask } from '@platform/service-runtime';
import { paymentsProcessingPastDeadline, paymentsProcessingPastDeadlineSecondsMax } from './payment-metrics';

export const DEADLINE_SAMPLE_INTERVAL_MS = 15_000;

/**
 * Samples the payments that are processing past their deadline for the "payment processing
 * longer than its deadline" alert. The read walks the partial index payments_awaiting_risk, so
 * it costs only the overdue rows.
 */
@Injectable()
export class PaymentDeadlineMetricsJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.task = new PeriodicTask({
      name: 'payment deadline sample',
      intervalMs: DEADLINE_SAMPLE_INTERVAL_MS,
      logger: new Logger('PaymentMetrics'),
      pass: () => this.sample(),
    });
  }

  onApplicationBootstrap(): void {
    void this.sample().catch(() => undefined);
    this.task.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
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
