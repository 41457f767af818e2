import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventEnvelope } from '@platform/contracts';

export type ControlDifferenceKind =
  | 'capture_missing'
  | 'capture_amount'
  | 'refund_missing'
  | 'refund_amount'
  | 'payout_missing'
  | 'payout_amount'
  | 'payout_not_paid';

/** Something payments recorded that the ledger did not book, or booked with another amount. */
export interface ControlDifference {
  readonly kind: ControlDifferenceKind;
  readonly itemId: string;
  readonly paymentId: string | null;
  readonly merchantId: string;
  readonly currency: string;
  readonly reportedMinor: string;
  /** What the ledger booked for the item, null when it booked nothing. */
  readonly bookedMinor: string | null;
  readonly windowStart: Date;
  readonly foundAt: Date;
}

export interface ControlSummary {
  readonly reportsReceived: number;
  readonly reportsUnchecked: number;
  readonly reportsWithDifferences: number;
  readonly differences: readonly ControlDifference[];
}

interface DifferenceRow {
  kind: ControlDifferenceKind;
  item_id: string;
  payment_id: string | null;
  merchant_id: string;
  currency: string;
  reported_minor: string;
  booked_minor: string | null;
  window_start: Date;
  found_at: Date;
}

/**
 * Compares each item of a report with the ledger's own rows: captures and refunds by id (amount and
 * currency), payouts by id (amount, and paid once payments says paid).
 */
const DIFFERENCES_OF_REPORT = `
  WITH report AS (SELECT * FROM control_reports WHERE event_id = $1),
  reported_captures AS (
    SELECT r.merchant_id, r.currency, r.window_start, i."captureId" AS item_id, i."paymentId" AS payment_id,
           i."amountMinor"::bigint AS amount
      FROM report r, jsonb_to_recordset(r.captures) AS i("captureId" text, "paymentId" text, "amountMinor" text)),
  reported_refunds AS (
    SELECT r.merchant_id, r.currency, r.window_start, i."refundId" AS item_id, i."paymentId" AS payment_id,
           i."amountMinor"::bigint AS amount
      FROM report r, jsonb_to_recordset(r.refunds) AS i("refundId" text, "paymentId" text, "amountMinor" text)),
  reported_payouts AS (
    SELECT r.merchant_id, r.currency, r.window_start, i."payoutId" AS item_id, i."amountMinor"::bigint AS amount
      FROM report r, jsonb_to_recordset(r.payouts) AS i("payoutId" text, "amountMinor" text))
  SELECT CASE WHEN c.capture_id IS NULL THEN 'capture_missing' ELSE 'capture_amount' END AS kind,
         rc.item_id, rc.payment_id, rc.merchant_id, rc.currency, rc.amount::text AS reported_minor,
         c.gross_minor::text AS booked_minor, rc.window_start
    FROM reported_captures rc LEFT JOIN captures c ON c.capture_id = rc.item_id
   WHERE c.capture_id IS NULL OR c.gross_minor <> rc.amount OR c.currency <> rc.currency
  UNION ALL
  SELECT CASE WHEN f.refund_id IS NULL THEN 'refund_missing' ELSE 'refund_amount' END,
         rf.item_id, rf.payment_id, rf.merchant_id, rf.currency, rf.amount::text, f.amount_minor::text,
         rf.window_start
    FROM reported_refunds rf LEFT JOIN refunds f ON f.refund_id = rf.item_id
   WHERE f.refund_id IS NULL OR f.amount_minor <> rf.amount OR f.currency <> rf.currency
  UNION ALL
  SELECT CASE WHEN p.payout_id IS NULL THEN 'payout_missing'
              WHEN p.amount_minor <> rp.amount OR p.currency <> rp.currency THEN 'payout_amount'
              ELSE 'payout_not_paid' END,
         rp.item_id, NULL, rp.merchant_id, rp.currency, rp.amount::text, p.amount_minor::text, rp.window_start
    FROM reported_payouts rp LEFT JOIN payouts p ON p.payout_id = rp.item_id
   WHERE p.payout_id IS NULL OR p.amount_minor <> rp.amount OR p.currency <> rp.currency OR p.status <> 'paid'`;

/** Only this class touches control_reports and control_differences. */
@Injectable()
export class ControlTotalsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Keeps a report from payments, in the consumer's transaction (its event id makes it once). */
  async record(manager: EntityManager, report: EventEnvelope<'control_totals.reported'>): Promise<void> {
    const { data } = report;
    await manager.query(
      `INSERT INTO control_reports
         (event_id, merchant_id, currency, window_start, window_end, part, parts, captures, refunds, payouts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id) DO NOTHING`,
      [
        report.id,
        data.merchantId,
        data.currency,
        data.windowStart,
        data.windowEnd,
        data.part,
        data.parts,
        JSON.stringify(data.captures),
        JSON.stringify(data.refunds),
        JSON.stringify(data.payouts),
      ],
    );
  }

  /**
   * Checks up to `limit` reports that arrived at least `graceSeconds` ago (the movements they name
   * travel another topic and may still be on their way) and are unchecked or had differences
   * (a redriven event may have mended them); stops re-checking after `recheckHours`. Answers how
   * many of them have differences now.
   */
  async checkDue(graceSeconds: number, recheckHours: number, limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const due = await manager.query<{ event_id: string }[]>(
        `SELECT event_id FROM control_reports
          WHERE status <> 'clean' AND received_at < now() - make_interval(secs => $1)
            AND received_at > now() - make_interval(hours => $2)
            AND (checked_at IS NULL OR checked_at < now() - make_interval(secs => $1))
          ORDER BY received_at LIMIT $3
          FOR UPDATE SKIP LOCKED`,
        [graceSeconds, recheckHours, limit],
      );
      let withDifferences = 0;
      for (const { event_id: eventId } of due) {
        await manager.query('DELETE FROM control_differences WHERE report_event_id = $1', [eventId]);
        const found = await manager.query<unknown[]>(
          `INSERT INTO control_differences
             (report_event_id, kind, item_id, payment_id, merchant_id, currency, reported_minor, booked_minor, window_start)
           SELECT $1, d.kind, d.item_id, d.payment_id, d.merchant_id, d.currency, d.reported_minor::bigint,
                  d.booked_minor::bigint, d.window_start
             FROM (${DIFFERENCES_OF_REPORT}) d
           RETURNING item_id`,
          [eventId],
        );
        if (found.length > 0) withDifferences += 1;
        await manager.query(
          `UPDATE control_reports SET status = $2, checked_at = now() WHERE event_id = $1`,
          [eventId, found.length > 0 ? 'differences' : 'clean'],
        );
      }
      return withDifferences;
    });
  }

  /** Counts and differences, of every merchant or of one. */
  async summary(limit: number, merchantId: string | null): Promise<ControlSummary> {
    const [counts] = await this.dataSource.query<
      { received: string; unchecked: string; with_differences: string }[]
    >(
      `SELECT count(*)::text AS received,
              count(*) FILTER (WHERE status = 'unchecked')::text AS unchecked,
              count(*) FILTER (WHERE status = 'differences')::text AS with_differences
         FROM control_reports WHERE $1::text IS NULL OR merchant_id = $1`,
      [merchantId],
    );
    const rows = await this.dataSource.query<DifferenceRow[]>(
      `SELECT kind, item_id, payment_id, merchant_id, currency, reported_minor::text,
              booked_minor::text, window_start, found_at
         FROM control_differences WHERE $2::text IS NULL OR merchant_id = $2
        ORDER BY window_start, kind, item_id LIMIT $1`,
      [limit, merchantId],
    );
    return {
      reportsReceived: Number(counts?.received ?? 0),
      reportsUnchecked: Number(counts?.unchecked ?? 0),
      reportsWithDifferences: Number(counts?.with_differences ?? 0),
      differences: rows.map((row) => ({
        kind: row.kind,
        itemId: row.item_id,
        paymentId: row.payment_id,
        merchantId: row.merchant_id,
        currency: row.currency,
        reportedMinor: row.reported_minor,
        bookedMinor: row.booked_minor,
        windowStart: row.window_start,
        foundAt: row.found_at,
      })),
    };
  }

  /** Open differences by kind, for the metric. */
  async countsByKind(): Promise<Map<ControlDifferenceKind, number>> {
    const rows = await this.dataSource.query<{ kind: ControlDifferenceKind; count: string }[]>(
      'SELECT kind, count(*)::text AS count FROM control_differences GROUP BY kind',
    );
    return new Map(rows.map((row) => [row.kind, Number(row.count)]));
  }
}
