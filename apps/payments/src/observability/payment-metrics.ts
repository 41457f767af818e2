import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '@platform/telemetry';

export const paymentStatusTransitionsTotal = new Counter({
  name: 'payments_status_transitions_total',
  help: 'Payments entering a status (created into its first status, or moved from another), by the status entered. Counted when written, inside the transaction: a transaction that rolls back and is replayed counts again.',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
});

/** One payment written in `to`, having been in `from` (null for a new payment); no change counts nothing. */
export function recordPaymentStatus(from: string | null, to: string): void {
  if (from !== to) paymentStatusTransitionsTotal.inc({ status: to });
}

export const paymentsProcessingPastDeadline = new Gauge({
  name: 'payments_processing_past_deadline',
  help: 'Payments still processing after their risk-assessment deadline, which the risk-timeout job should have settled (sampled).',
  registers: [metricsRegistry],
});

export const paymentsProcessingPastDeadlineSecondsMax = new Gauge({
  name: 'payments_processing_past_deadline_seconds_max',
  help: 'How long past its deadline the most overdue processing payment is, 0 when none is (sampled).',
  registers: [metricsRegistry],
});
