import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PlannedSettlement, UnsettledCapture } from './settlement-plan';

/** The only code that reads or writes settlements and settlement_captures. */
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

  /** Records the settlement and stamps its captures, which must all still be unsettled. */
  async recordSettlement(manager: EntityManager, settlement: PlannedSettlement): Promise<void> {
    await manager.query(
      `INSERT INTO settlements (settlement_id, processor, currency, settlement_date, gross_minor,
                                processor_fee_minor, net_minor, capture_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        settlement.settlementId,
        settlement.processor,
        settlement.currency,
        settlement.settlementDate,
        settlement.grossAmountMinor.toString(),
        settlement.processorFeeAmountMinor.toString(),
        settlement.netAmountMinor.toString(),
        settlement.captureIds.length,
      ],
    );
    const result: [unknown, number] = await manager.query(
      `UPDATE settlement_captures SET settlement_id = $1 WHERE capture_id = ANY($2) AND settlement_id IS NULL`,
      [settlement.settlementId, settlement.captureIds],
    );
    if (result[1] !== settlement.captureIds.length) {
      throw new Error(`settlement ${settlement.settlementId}: a capture was settled meanwhile`);
    }
  }
}
