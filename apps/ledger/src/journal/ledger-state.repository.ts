import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type {
  CaptureRecord,
  DisputeRecord,
  DisputeStatus,
  HoldStatus,
  PaymentPosition,
  PayoutRecord,
  PayoutStatus,
  RefundRecord,
} from '../domain/ledger-state';
import type { Pricing } from '../domain/pricing';
import type { StateKeys, StateWrites, StoredState } from '../domain/state-snapshot';

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

interface RefundRow {
  refund_id: string;
  payment_id: string;
  merchant_id: string;
  processor: string;
  currency: string;
  amount_minor: string;
  settlement_id: string | null;
}

interface PayoutRow {
  payout_id: string;
  merchant_id: string;
  currency: string;
  amount_minor: string;
  status: PayoutStatus;
}

interface DisputeRow {
  dispute_id: string;
  payment_id: string;
  merchant_id: string;
  processor: string;
  currency: string;
  amount_minor: string;
  merchant_currency: string;
  merchant_amount_minor: string;
  status: DisputeStatus;
  settlement_id: string | null;
}

interface PricingRow {
  merchant_id: string;
  currency: string;
  basis_points: string;
  fixed_minor: string;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The state the posting rules consult. Reads lock the rows (FOR UPDATE) for the caller's
 * transaction; lock order is always these rows first (each table by key, in this order), then
 * accounts, then the head. One statement per table, whatever the number of events.
 */
@Injectable()
export class LedgerStateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Locks the rows of these keys and reads the pricing; unknown keys are simply absent. */
  async lock(manager: EntityManager, keys: StateKeys): Promise<StoredState> {
    const none = Promise.resolve([]);
    // Sent together: the database runs them one after the other in this order, the lock order.
    const [positions, captures, refunds, payouts, disputes, pricing] = await Promise.all([
      keys.paymentIds.length === 0
        ? none
        : manager.query<PositionRow[]>(
            'SELECT * FROM payment_positions WHERE payment_id = ANY($1::text[]) ORDER BY payment_id FOR UPDATE',
            [keys.paymentIds],
          ),
      keys.captureIds.length === 0
        ? none
        : manager.query<CaptureRow[]>(
            'SELECT * FROM captures WHERE capture_id = ANY($1::text[]) ORDER BY capture_id FOR UPDATE',
            [keys.captureIds],
          ),
      keys.refundIds.length === 0
        ? none
        : manager.query<RefundRow[]>(
            'SELECT * FROM refunds WHERE refund_id = ANY($1::text[]) ORDER BY refund_id FOR UPDATE',
            [keys.refundIds],
          ),
      keys.payoutIds.length === 0
        ? none
        : manager.query<PayoutRow[]>(
            'SELECT * FROM payouts WHERE payout_id = ANY($1::text[]) ORDER BY payout_id FOR UPDATE',
            [keys.payoutIds],
          ),
      keys.disputeIds.length === 0
        ? none
        : manager.query<DisputeRow[]>(
            'SELECT * FROM disputes WHERE dispute_id = ANY($1::text[]) ORDER BY dispute_id FOR UPDATE',
            [keys.disputeIds],
          ),
      keys.pricing.length === 0
        ? none
        : manager.query<PricingRow[]>(
            `SELECT merchant_id, currency, basis_points, fixed_minor FROM merchant_pricing
              WHERE (merchant_id, currency) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
            [keys.pricing.map((p) => p.merchantId), keys.pricing.map((p) => p.currency)],
          ),
    ]);
    return {
      positions: positions.map(toPosition),
      captures: captures.map(toCapture),
      refunds: refunds.map(toRefund),
      payouts: payouts.map(toPayout),
      disputes: disputes.map(toDispute),
      pricing: pricing.map((row) => ({
        merchantId: row.merchant_id,
        currency: row.currency,
        pricing: { basisPoints: BigInt(row.basis_points), fixedMinor: BigInt(row.fixed_minor) },
      })),
    };
  }

  /** Writes each changed record once, in its final state; a capture or refund is never settled twice. */
  async write(manager: EntityManager, writes: StateWrites): Promise<void> {
    const positions = [...writes.positions].sort((a, b) => byKey(a.paymentId, b.paymentId));
    if (positions.length > 0) {
      await manager.query(
        `INSERT INTO payment_positions (payment_id, merchant_id, processor, payment_method_type, currency,
           authorized_minor, hold_open_minor, hold_status, captured_minor, refunded_minor,
           merchant_currency, merchant_captured_minor, merchant_refunded_minor)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
           $7::bigint[], $8::text[], $9::bigint[], $10::bigint[], $11::text[], $12::bigint[], $13::bigint[])
         ON CONFLICT (payment_id) DO UPDATE SET
           authorized_minor = EXCLUDED.authorized_minor, hold_open_minor = EXCLUDED.hold_open_minor,
           hold_status = EXCLUDED.hold_status, captured_minor = EXCLUDED.captured_minor,
           refunded_minor = EXCLUDED.refunded_minor, merchant_currency = EXCLUDED.merchant_currency,
           merchant_captured_minor = EXCLUDED.merchant_captured_minor,
           merchant_refunded_minor = EXCLUDED.merchant_refunded_minor`,
        [
          positions.map((p) => p.paymentId),
          positions.map((p) => p.merchantId),
          positions.map((p) => p.processor),
          positions.map((p) => p.paymentMethodType),
          positions.map((p) => p.currency),
          positions.map((p) => p.authorizedMinor.toString()),
          positions.map((p) => p.holdOpenMinor.toString()),
          positions.map((p) => p.holdStatus),
          positions.map((p) => p.capturedMinor.toString()),
          positions.map((p) => p.refundedMinor.toString()),
          positions.map((p) => p.merchantCurrency),
          positions.map((p) => p.merchantCapturedMinor.toString()),
          positions.map((p) => p.merchantRefundedMinor.toString()),
        ],
      );
    }
    const captures = [...writes.newCaptures].sort((a, b) => byKey(a.captureId, b.captureId));
    if (captures.length > 0) {
      await manager.query(
        `INSERT INTO captures (capture_id, payment_id, merchant_id, processor, currency, gross_minor,
           merchant_currency, net_minor, settlement_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
           $7::text[], $8::bigint[], $9::text[])`,
        [
          captures.map((c) => c.captureId),
          captures.map((c) => c.paymentId),
          captures.map((c) => c.merchantId),
          captures.map((c) => c.processor),
          captures.map((c) => c.currency),
          captures.map((c) => c.grossMinor.toString()),
          captures.map((c) => c.merchantCurrency),
          captures.map((c) => c.netMinor.toString()),
          captures.map((c) => c.settlementId),
        ],
      );
    }
    await stampSettled(
      manager,
      'captures',
      writes.settledCaptures.map((c) => ({ id: c.captureId, settlementId: c.settlementId })),
    );
    const refunds = [...writes.newRefunds].sort((a, b) => byKey(a.refundId, b.refundId));
    if (refunds.length > 0) {
      await manager.query(
        `INSERT INTO refunds (refund_id, payment_id, merchant_id, processor, currency, amount_minor, settlement_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
           $7::text[])`,
        [
          refunds.map((r) => r.refundId),
          refunds.map((r) => r.paymentId),
          refunds.map((r) => r.merchantId),
          refunds.map((r) => r.processor),
          refunds.map((r) => r.currency),
          refunds.map((r) => r.amountMinor.toString()),
          refunds.map((r) => r.settlementId),
        ],
      );
    }
    await stampSettled(
      manager,
      'refunds',
      writes.settledRefunds.map((r) => ({ id: r.refundId, settlementId: r.settlementId })),
    );
    const payouts = [...writes.payouts].sort((a, b) => byKey(a.payoutId, b.payoutId));
    if (payouts.length > 0) {
      await manager.query(
        `INSERT INTO payouts (payout_id, merchant_id, currency, amount_minor, status)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[])
         ON CONFLICT (payout_id) DO UPDATE SET status = EXCLUDED.status`,
        [
          payouts.map((p) => p.payoutId),
          payouts.map((p) => p.merchantId),
          payouts.map((p) => p.currency),
          payouts.map((p) => p.amountMinor.toString()),
          payouts.map((p) => p.status),
        ],
      );
    }
    const disputes = [...writes.disputes].sort((a, b) => byKey(a.disputeId, b.disputeId));
    if (disputes.length > 0) {
      await manager.query(
        `INSERT INTO disputes (dispute_id, payment_id, merchant_id, processor, currency, amount_minor,
           merchant_currency, merchant_amount_minor, status, settlement_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
           $7::text[], $8::bigint[], $9::text[], $10::text[])
         ON CONFLICT (dispute_id) DO UPDATE
           SET status = EXCLUDED.status, settlement_id = EXCLUDED.settlement_id`,
        [
          disputes.map((d) => d.disputeId),
          disputes.map((d) => d.paymentId),
          disputes.map((d) => d.merchantId),
          disputes.map((d) => d.processor),
          disputes.map((d) => d.currency),
          disputes.map((d) => d.amountMinor.toString()),
          disputes.map((d) => d.merchantCurrency),
          disputes.map((d) => d.merchantAmountMinor.toString()),
          disputes.map((d) => d.status),
          disputes.map((d) => d.settlementId),
        ],
      );
    }
  }

  /**
   * A merchant's fee in one currency from now on (the admin PUT, or merchant.pricing_set inside
   * the consumer's transaction); setting the same pricing twice has the effect of once.
   */
  async setPricing(
    merchantId: string,
    currency: string,
    pricing: Pricing,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO merchant_pricing (merchant_id, currency, basis_points, fixed_minor) VALUES ($1, $2, $3, $4)
       ON CONFLICT (merchant_id, currency) DO UPDATE
         SET basis_points = EXCLUDED.basis_points, fixed_minor = EXCLUDED.fixed_minor, updated_at = now()`,
      [merchantId, currency, pricing.basisPoints.toString(), pricing.fixedMinor.toString()],
    );
  }

  /** The currencies priced for a merchant, by currency; any other is charged the default. */
  async pricingOf(merchantId: string): Promise<{ currency: string; pricing: Pricing; updatedAt: Date }[]> {
    const rows = await this.dataSource.query<(PricingRow & { updated_at: Date })[]>(
      `SELECT merchant_id, currency, basis_points, fixed_minor, updated_at FROM merchant_pricing
        WHERE merchant_id = $1 ORDER BY currency`,
      [merchantId],
    );
    return rows.map((row) => ({
      currency: row.currency,
      pricing: { basisPoints: BigInt(row.basis_points), fixedMinor: BigInt(row.fixed_minor) },
      updatedAt: row.updated_at,
    }));
  }
}

function toPosition(row: PositionRow): PaymentPosition {
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

function toCapture(row: CaptureRow): CaptureRecord {
  return {
    captureId: row.capture_id,
    paymentId: row.payment_id,
    merchantId: row.merchant_id,
    processor: row.processor,
    currency: row.currency,
    grossMinor: BigInt(row.gross_minor),
    merchantCurrency: row.merchant_currency,
    netMinor: BigInt(row.net_minor),
    settlementId: row.settlement_id,
  };
}

/**
 * Stamps stored captures or refunds with the settlement that paid them; each must still be
 * unsettled (the rows are locked, so anything else is a bug, and the transaction fails).
 */
async function stampSettled(
  manager: EntityManager,
  table: 'captures' | 'refunds',
  stamps: readonly { id: string; settlementId: string | null }[],
): Promise<void> {
  if (stamps.length === 0) return;
  const sorted = [...stamps].sort((a, b) => byKey(a.id, b.id));
  const key = table === 'captures' ? 'capture_id' : 'refund_id';
  // Counted through a CTE: TypeORM returns [rows, rowCount] for a bare UPDATE.
  const [updated] = await manager.query<{ n: number }[]>(
    `WITH settled AS (
       UPDATE ${table} SET settlement_id = s.settlement_id
         FROM unnest($1::text[], $2::text[]) AS s(id, settlement_id)
        WHERE ${table}.${key} = s.id AND ${table}.settlement_id IS NULL
       RETURNING 1)
     SELECT count(*)::int AS n FROM settled`,
    [sorted.map((s) => s.id), sorted.map((s) => s.settlementId)],
  );
  if (updated?.n !== sorted.length) throw new Error(`${table} changed under lock while settling`);
}

function toRefund(row: RefundRow): RefundRecord {
  return {
    refundId: row.refund_id,
    paymentId: row.payment_id,
    merchantId: row.merchant_id,
    processor: row.processor,
    currency: row.currency,
    amountMinor: BigInt(row.amount_minor),
    settlementId: row.settlement_id,
  };
}

function toPayout(row: PayoutRow): PayoutRecord {
  return {
    payoutId: row.payout_id,
    merchantId: row.merchant_id,
    currency: row.currency,
    amountMinor: BigInt(row.amount_minor),
    status: row.status,
  };
}

function toDispute(row: DisputeRow): DisputeRecord {
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
    settlementId: row.settlement_id,
  };
}
