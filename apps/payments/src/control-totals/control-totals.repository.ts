import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecordedMovement } from '../domain/control-report';

interface MovementRow {
  event_type: 'payment.captured' | 'refund.succeeded' | 'payout.paid';
  merchant_id: string;
  data: Record<string, string>;
}

/** Only this class touches control_report_windows; it reads the outbox's money movements. */
@Injectable()
export class ControlTotalsRepository {
  /** The end of the last window reported, null before the first. */
  async lastReportedEnd(manager: EntityManager): Promise<Date | null> {
    const [row] = await manager.query<{ window_end: Date | null }[]>(
      'SELECT max(window_end) AS window_end FROM control_report_windows',
    );
    return row?.window_end ?? null;
  }

  /** When the oldest money movement still in the outbox was recorded, null when there is none. */
  async firstMovementAt(manager: EntityManager): Promise<Date | null> {
    const [row] = await manager.query<{ created_at: Date | null }[]>(
      `SELECT min(created_at) AS created_at FROM outbox
        WHERE event_type IN ('payment.captured', 'refund.succeeded', 'payout.paid')`,
    );
    return row?.created_at ?? null;
  }

  /**
   * Claims a window for this instance (false when another reported it): in the transaction that
   * also writes its reports to the outbox, so it is reported exactly once.
   */
  async claimWindow(manager: EntityManager, start: Date, end: Date, reports: number): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO control_report_windows (window_start, window_end, reports) VALUES ($1, $2, $3)
       ON CONFLICT (window_start) DO NOTHING RETURNING window_start`,
      [start, end, reports],
    );
    return rows.length === 1;
  }

  /** Captures, refunds and paid payouts payments recorded in [start, end), from its outbox. */
  async movementsIn(manager: EntityManager, start: Date, end: Date): Promise<RecordedMovement[]> {
    const rows = await manager.query<MovementRow[]>(
      `SELECT event_type, payload->>'merchantId' AS merchant_id, payload->'data' AS data FROM outbox
        WHERE event_type IN ('payment.captured', 'refund.succeeded', 'payout.paid')
          AND created_at >= $1 AND created_at < $2`,
      [start, end],
    );
    return rows.map((row): RecordedMovement => {
      const { data } = row;
      const base = {
        merchantId: row.merchant_id,
        currency: data.currency ?? '',
        amountMinor: data.amountMinor ?? '',
      };
      switch (row.event_type) {
        case 'payment.captured':
          return {
            ...base,
            kind: 'capture',
            captureId: data.captureId ?? '',
            paymentId: data.paymentId ?? '',
          };
        case 'refund.succeeded':
          return { ...base, kind: 'refund', refundId: data.refundId ?? '', paymentId: data.paymentId ?? '' };
        case 'payout.paid':
          return { ...base, kind: 'payout', payoutId: data.payoutId ?? '' };
      }
    });
  }
}
