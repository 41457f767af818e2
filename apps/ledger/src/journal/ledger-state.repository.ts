import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type {
  CaptureRecord,
  DisputeRecord,
  HoldStatus,
  PaymentPosition,
  PayoutRecord,
  PayoutStatus,
  DisputeStatus,
} from '../domain/ledger-state';
import type { Pricing } from '../domain/pricing';

interface PositionRow {
  payment_id: string;
  merchant_id: string;
  processor: string;
  payment_method_type: string | null;
  currency: string;
  authorized_minor: string;
  hold_open_minor: string;
  hold_status: HoldStatus;
  captured_minor: string;
  refunded_minor: string;
  merchant_currency: string;
  merchant_captured_minor: string;
  merchant_refunded_minor: string;
}

interface CaptureRow {
  capture_id: string;
  payment_id: string;
  merchant_id: string;
  processor: string;
  currency: string;
  gross_minor: string;
  merchant_currency: string;
  net_minor: string;
  settlement_id: string | null;
}

/**
 * The state the posting rules consult. Reads lock the rows (FOR UPDATE) for the caller's
 * transaction; lock order is always these rows first (by key), then accounts, then the head.
 */
@Injectable()
export class LedgerStateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async lockPosition(manager: EntityManager, paymentId: string): Promise<PaymentPosition | null> {
    const [row] = await manager.query<PositionRow[]>(
      'SELECT * FROM payment_positions WHERE payment_id = $1 FOR UPDATE',
      [paymentId],
    );
    if (row === undefined) return null;
    return {
      paymentId: row.payment_id,
      merchantId: row.merchant_id,
      processor: row.processor,
      paymentMethodType: row.payment_method_type,
      currency: row.currency,
      authorizedMinor: BigInt(row.authorized_minor),
      holdOpenMinor: BigInt(row.hold_open_minor),
      holdStatus: row.hold_status,
      capturedMinor: BigInt(row.captured_minor),
      refundedMinor: BigInt(row.refunded_minor),
      merchantCurrency: row.merchant_currency,
      merchantCapturedMinor: BigInt(row.merchant_captured_minor),
      merchantRefundedMinor: BigInt(row.merchant_refunded_minor),
    };
  }

  async savePosition(manager: EntityManager, p: PaymentPosition): Promise<void> {
    await manager.query(
      `INSERT INTO payment_positions (payment_id, merchant_id, processor, payment_method_type, currency,
         authorized_minor, hold_open_minor, hold_status, captured_minor, refunded_minor,
         merchant_currency, merchant_captured_minor, merchant_refunded_minor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (payment_id) DO UPDATE SET
         authorized_minor = EXCLUDED.authorized_minor, hold_open_minor = EXCLUDED.hold_open_minor,
         hold_status = EXCLUDED.hold_status, captured_minor = EXCLUDED.captured_minor,
         refunded_minor = EXCLUDED.refunded_minor, merchant_currency = EXCLUDED.merchant_currency,
         merchant_captured_minor = EXCLUDED.merchant_captured_minor,
         merchant_refunded_minor = EXCLUDED.merchant_refunded_minor`,
      [
        p.paymentId,
        p.merchantId,
        p.processor,
        p.paymentMethodType,
        p.currency,
        p.authorizedMinor.toString(),
        p.holdOpenMinor.toString(),
        p.holdStatus,
        p.capturedMinor.toString(),
        p.refundedMinor.toString(),
        p.merchantCurrency,
        p.merchantCapturedMinor.toString(),
        p.merchantRefundedMinor.toString(),
      ],
    );
  }

  /** Locks the captures in key order; unknown ids are simply absent from the map. */
  async lockCaptures(
    manager: EntityManager,
    captureIds: readonly string[],
  ): Promise<Map<string, CaptureRecord>> {
    const rows = await manager.query<CaptureRow[]>(
      'SELECT * FROM captures WHERE capture_id = ANY($1::text[]) ORDER BY capture_id FOR UPDATE',
      [captureIds],
    );
    return new Map(
      rows.map((r) => [
        r.capture_id,
        {
          captureId: r.capture_id,
          paymentId: r.payment_id,
          merchantId: r.merchant_id,
          processor: r.processor,
          currency: r.currency,
          grossMinor: BigInt(r.gross_minor),
          merchantCurrency: r.merchant_currency,
          netMinor: BigInt(r.net_minor),
          settlementId: r.settlement_id,
        },
      ]),
    );
  }

  async insertCapture(manager: EntityManager, c: CaptureRecord): Promise<void> {
    await manager.query(
      `INSERT INTO captures (capture_id, payment_id, merchant_id, processor, currency, gross_minor,
         merchant_currency, net_minor, settlement_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        c.captureId,
        c.paymentId,
        c.merchantId,
        c.processor,
        c.currency,
        c.grossMinor.toString(),
        c.merchantCurrency,
        c.netMinor.toString(),
        c.settlementId,
      ],
    );
  }

  /** Marks captures settled; a capture already settled is never settled again. */
  async markSettled(
    manager: EntityManager,
    captureIds: readonly string[],
    settlementId: string,
  ): Promise<void> {
    // Counted through a CTE: TypeORM returns [rows, rowCount] for a bare UPDATE.
    const [updated] = await manager.query<{ n: number }[]>(
      `WITH settled AS (
         UPDATE captures SET settlement_id = $2 WHERE capture_id = ANY($1::text[]) AND settlement_id IS NULL
         RETURNING 1)
       SELECT count(*)::int AS n FROM settled`,
      [captureIds, settlementId],
    );
    if (updated?.n !== captureIds.length)
      throw new Error(`settlement ${settlementId}: captures changed under lock`);
  }

  async lockPayout(manager: EntityManager, payoutId: string): Promise<PayoutRecord | null> {
    const [row] = await manager.query<
      {
        payout_id: string;
        merchant_id: string;
        currency: string;
        amount_minor: string;
        status: PayoutStatus;
      }[]
    >('SELECT * FROM payouts WHERE payout_id = $1 FOR UPDATE', [payoutId]);
    if (row === undefined) return null;
    return {
      payoutId: row.payout_id,
      merchantId: row.merchant_id,
      currency: row.currency,
      amountMinor: BigInt(row.amount_minor),
      status: row.status,
    };
  }

  async savePayout(manager: EntityManager, p: PayoutRecord): Promise<void> {
    await manager.query(
      `INSERT INTO payouts (payout_id, merchant_id, currency, amount_minor, status) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (payout_id) DO UPDATE SET status = EXCLUDED.status`,
      [p.payoutId, p.merchantId, p.currency, p.amountMinor.toString(), p.status],
    );
  }

  async lockDispute(manager: EntityManager, disputeId: string): Promise<DisputeRecord | null> {
    const [row] = await manager.query<
      {
        dispute_id: string;
        payment_id: string;
        merchant_id: string;
        processor: string;
        currency: string;
        amount_minor: string;
        merchant_currency: string;
        merchant_amount_minor: string;
        status: DisputeStatus;
      }[]
    >('SELECT * FROM disputes WHERE dispute_id = $1 FOR UPDATE', [disputeId]);
    if (row === undefined) return null;
    return {
      disputeId: row.dispute_id,
      paymentId: row.payment_id,
      merchantId: row.merchant_id,
      processor: row.processor,
      currency: row.currency,
      amountMinor: BigInt(row.amount_minor),
      merchantCurrency: row.merchant_currency,
      merchantAmountMinor: BigInt(row.merchant_amount_minor),
      status: row.status,
    };
  }

  async saveDispute(manager: EntityManager, d: DisputeRecord): Promise<void> {
    await manager.query(
      `INSERT INTO disputes (dispute_id, payment_id, merchant_id, processor, currency, amount_minor,
         merchant_currency, merchant_amount_minor, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (dispute_id) DO UPDATE SET status = EXCLUDED.status`,
      [
        d.disputeId,
        d.paymentId,
        d.merchantId,
        d.processor,
        d.currency,
        d.amountMinor.toString(),
        d.merchantCurrency,
        d.merchantAmountMinor.toString(),
        d.status,
      ],
    );
  }

  /** The merchant's pricing for a currency, or null when the default applies. */
  async pricingFor(manager: EntityManager, merchantId: string, currency: string): Promise<Pricing | null> {
    const [row] = await manager.query<{ basis_points: string; fixed_minor: string }[]>(
      'SELECT basis_points, fixed_minor FROM merchant_pricing WHERE merchant_id = $1 AND currency = $2',
      [merchantId, currency],
    );
    return row === undefined
      ? null
      : { basisPoints: BigInt(row.basis_points), fixedMinor: BigInt(row.fixed_minor) };
  }

  async setPricing(merchantId: string, currency: string, pricing: Pricing): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO merchant_pricing (merchant_id, currency, basis_points, fixed_minor) VALUES ($1, $2, $3, $4)
       ON CONFLICT (merchant_id, currency) DO UPDATE
         SET basis_points = EXCLUDED.basis_points, fixed_minor = EXCLUDED.fixed_minor, updated_at = now()`,
      [merchantId, currency, pricing.basisPoints.toString(), pricing.fixedMinor.toString()],
    );
  }
}
