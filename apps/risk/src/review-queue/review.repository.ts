import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface PendingReview {
  readonly paymentId: string;
  readonly merchantId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly correlationId: string;
  readonly causedByEventId: string;
  readonly createdAt: Date;
}

interface ReviewRow {
  payment_id: string;
  merchant_id: string;
  amount_minor: string;
  currency: string;
  score: number;
  reasons: string[];
  correlation_id: string;
  caused_by_event_id: string;
  created_at: Date;
}

const toReview = (row: ReviewRow): PendingReview => ({
  paymentId: row.payment_id,
  merchantId: row.merchant_id,
  amountMinor: BigInt(row.amount_minor),
  currency: row.currency,
  score: row.score,
  reasons: row.reasons,
  correlationId: row.correlation_id,
  causedByEventId: row.caused_by_event_id,
  createdAt: row.created_at,
});

/** The only code that touches risk_reviews and risk_review_decisions. */
@Injectable()
export class ReviewRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async enqueue(manager: EntityManager, review: Omit<PendingReview, 'createdAt'>): Promise<void> {
    await manager.query(
      `INSERT INTO risk_reviews (payment_id, merchant_id, amount_minor, currency, score, reasons, correlation_id, caused_by_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (payment_id) DO NOTHING`,
      [
        review.paymentId,
        review.merchantId,
        review.amountMinor.toString(),
        review.currency,
        review.score,
        JSON.stringify(review.reasons),
        review.correlationId,
        review.causedByEventId,
      ],
    );
  }

  /** Pending reviews, oldest first, after the cursor (a payment id) when given. */
  async listPending(limit: number, startingAfter?: string): Promise<PendingReview[]> {
    const rows: ReviewRow[] = await this.dataSource.query(
      `SELECT r.* FROM risk_reviews r
        WHERE NOT EXISTS (SELECT 1 FROM risk_review_decisions d WHERE d.payment_id = r.payment_id)
          AND ($2::text IS NULL OR (r.created_at, r.payment_id) >
               (SELECT created_at, payment_id FROM risk_reviews WHERE payment_id = $2))
        ORDER BY r.created_at, r.payment_id
        LIMIT $1`,
      [limit, startingAfter ?? null],
    );
    return rows.map(toReview);
  }

  /** Locks a review still pending; null when unknown or decided already. */
  async lockPending(manager: EntityManager, paymentId: string): Promise<PendingReview | null> {
    const rows: ReviewRow[] = await manager.query(
      `SELECT r.* FROM risk_reviews r
        WHERE r.payment_id = $1
          AND NOT EXISTS (SELECT 1 FROM risk_review_decisions d WHERE d.payment_id = r.payment_id)
        FOR UPDATE`,
      [paymentId],
    );
    const row = rows[0];
    return row === undefined ? null : toReview(row);
  }

  /** Appends the decision; false when another request decided first. */
  async decide(manager: EntityManager, paymentId: string, decision: 'approve' | 'decline'): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO risk_review_decisions (payment_id, decision) VALUES ($1, $2)
       ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id`,
      [paymentId, decision],
    );
    return inserted.length === 1;
  }
}
