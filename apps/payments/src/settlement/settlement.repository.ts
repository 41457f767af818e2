import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  DeductionKind,
  PlannedSettlement,
  UnsettledCapture,
  UnsettledDeduction,
} from '../domain/settlement-plan';

/** The only code that reads or writes settlements, settlement_captures and settlement_deductions. */
@Injectable()
export class SettlementRepository {
  /** A capture the ledger posted becomes settleable; a redelivered posting changes nothing. */
  async recordBookedCapture(manager: EntityManager, captureId: string, sourceEventId: string): Promise<void> {
    await manager.query(
      `INSERT INTO settlement_captures (capture_id, source_event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [captureId, sourceEventId],
    );
  }

  /**
   * A refund or lost chargeback the ledger posted (against the processor receivable) is to be
   * deducted from a settlement; a redelivered posting changes nothing.
   */
  async recordBookedDeduction(
    manager: EntityManager,
    kind: DeductionKind,
    itemId: string,
    sourceEventId: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO settlement_deductions (item_id, kind, source_event_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [itemId, kind, sourceEventId],
    );
  }

  /**
   * Booked, unsettled captures made before `capturedBefore`, locked until the caller's transaction
   * ends; rows another run holds are skipped, so two runs never take the same capture. The facts
   * (processor, currency, amount, time) are this service's own payment.captured event.
   */
  async lockUnsettled(
    manager: EntityManager,
    capturedBefore: Date,
    limit: number,
  ): Promise<UnsettledCapture[]> {
    const rows: {
      capture_id: string;
      processor: string;
      currency: string;
      amount_minor: string;
      occurred_at: Date;
    }[] = await manager.query(
      `SELECT c.capture_id, e.envelope #>> '{data,processor}' AS processor,
              e.envelope #>> '{data,currency}' AS currency, e.envelope #>> '{data,amountMinor}' AS amount_minor,
              e.occurred_at
         FROM settlement_captures c JOIN payment_events e ON e.event_id = c.source_event_id
        WHERE c.settlement_id IS NULL AND e.event_type = 'payment.captured' AND e.occurred_at < $1
        ORDER BY c.booked_at, c.capture_id
        LIMIT $2
          FOR UPDATE OF c SKIP LOCKED`,
      [capturedBefore.toISOString(), limit],
    );
    return rows.map((row) => ({
      captureId: row.capture_id,
      processor: row.processor,
      currency: row.currency,
      amountMinor: BigInt(row.amount_minor),
      capturedAt: new Date(row.occurred_at),
    }));
  }

  /**
   * Booked refunds and lost chargebacks made before `occurredBefore` that no settlement deducted
   * yet, locked like lockUnsettled. The facts are this service's own refund.succeeded or
   * dispute.closed (which names no processor: the payment's is the one that charged back).
   */
  async lockUnsettledDeductions(
    manager: EntityManager,
    occurredBefore: Date,
    limit: number,
  ): Promise<UnsettledDeduction[]> {
    const rows: {
      item_id: string;
      kind: DeductionKind;
      processor: string;
      currency: string;
      amount_minor: string;
      occurred_at: Date;
    }[] = await manager.query(
      `SELECT d.item_id, d.kind, coalesce(e.envelope #>> '{data,processor}', p.processor) AS processor,
              e.envelope #>> '{data,currency}' AS currency, e.envelope #>> '{data,amountMinor}' AS amount_minor,
              e.occurred_at
         FROM settlement_deductions d
         JOIN payment_events e ON e.event_id = d.source_event_id
         JOIN payments p ON p.id = e.payment_id
        WHERE d.settlement_id IS NULL AND e.event_type IN ('refund.succeeded', 'dispute.closed')
          AND e.occurred_at < $1
        ORDER BY d.booked_at, d.item_id
        LIMIT $2
          FOR UPDATE OF d SKIP LOCKED`,
      [occurredBefore.toISOString(), limit],
    );
    return rows.map((row) => ({
      kind: row.kind,
      id: row.item_id,
      processor: row.processor,
      currency: row.currency,
      amountMinor: BigInt(row.amount_minor),
      occurredAt: new Date(row.occurred_at),
    }));
  }

  /** Records the settlement and stamps its items, which must all still be unsettled. */
  async recordSettlement(manager: EntityManager, settlement: PlannedSettlement): Promise<void> {
    await manager.query(
      `INSERT INTO settlements (settlement_id, processor, currency, settlement_date, gross_minor,
                                refunded_minor, chargeback_minor, processor_fee_minor, net_minor,
                                capture_count, refund_count, chargeback_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        settlement.settlementId,
        settlement.processor,
        settlement.currency,
        settlement.settlementDate,
        settlement.grossAmountMinor.toString(),
        settlement.refundedAmountMinor.toString(),
        settlement.chargebackAmountMinor.toString(),
        settlement.processorFeeAmountMinor.toString(),
        settlement.netAmountMinor.toString(),
        settlement.captureIds.length,
        settlement.refundIds.length,
        settlement.disputeIds.length,
      ],
    );
    if (settlement.captureIds.length > 0) {
      const result: [unknown, number] = await manager.query(
        `UPDATE settlement_captures SET settlement_id = $1 WHERE capture_id = ANY($2) AND settlement_id IS NULL`,
        [settlement.settlementId, settlement.captureIds],
      );
      if (result[1] !== settlement.captureIds.length) {
        throw new Error(`settlement ${settlement.settlementId}: a capture was settled meanwhile`);
      }
    }
    const deducted = [...settlement.refundIds, ...settlement.disputeIds];
    if (deducted.length > 0) {
      const result: [unknown, number] = await manager.query(
        `UPDATE settlement_deductions SET settlement_id = $1 WHERE item_id = ANY($2) AND settlement_id IS NULL`,
        [settlement.settlementId, deducted],
      );
      if (result[1] !== deducted.length) {
        throw new Error(
          `settlement ${settlement.settlementId}: a refund or chargeback was settled meanwhile`,
        );
      }
    }
  }
}
