import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Payout, PayoutFailureCode, PayoutStatus, PayoutTrigger } from '../domain/payout-state';

/** A stored payout with the id of the payout.requested event the ledger answers. */
export interface StoredPayout extends Payout {
  readonly requestedEventId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface DailyPayoutCandidate {
  readonly merchantId: string;
  readonly currency: string;
  readonly availableMinor: bigint;
  readonly pendingMinor: bigint;
}

interface PayoutRow {
  payout_id: string;
  merchant_id: string;
  amount_minor: string;
  currency: string;
  status: PayoutStatus;
  failure_code: PayoutFailureCode | null;
  trigger: PayoutTrigger;
  requested_event_id: string;
  created_at: Date;
  updated_at: Date;
}

function toPayout(row: PayoutRow): StoredPayout {
  return {
    payoutId: row.payout_id,
    merchantId: row.merchant_id,
    amountMinor: BigInt(row.amount_minor),
    currency: row.currency,
    status: row.status,
    failureCode: row.failure_code,
    trigger: row.trigger,
    requestedEventId: row.requested_event_id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** The only code that touches payouts, payout_merchant_sequences and merchant_available_balances. */
@Injectable()
export class PayoutsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts a new payout; false when this payout id exists already (a repeated request). */
  async insert(manager: EntityManager, payout: Payout, requestedEventId: string): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO payouts (payout_id, merchant_id, amount_minor, currency, status, failure_code, trigger, requested_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (payout_id) DO NOTHING RETURNING payout_id`,
      [
        payout.payoutId,
        payout.merchantId,
        payout.amountMinor.toString(),
        payout.currency,
        payout.status,
        payout.failureCode,
        payout.trigger,
        requestedEventId,
      ],
    );
    return inserted.length === 1;
  }

  async findForUpdate(manager: EntityManager, payoutId: string): Promise<StoredPayout | null> {
    const rows: PayoutRow[] = await manager.query('SELECT * FROM payouts WHERE payout_id = $1 FOR UPDATE', [
      payoutId,
    ]);
    const row = rows[0];
    return row === undefined ? null : toPayout(row);
  }

  async find(payoutId: string): Promise<StoredPayout | null> {
    const rows: PayoutRow[] = await this.dataSource.query('SELECT * FROM payouts WHERE payout_id = $1', [
      payoutId,
    ]);
    const row = rows[0];
    return row === undefined ? null : toPayout(row);
  }

  async updateStatus(manager: EntityManager, payout: Payout): Promise<void> {
    await manager.query(
      `UPDATE payouts SET status = $2, failure_code = $3, updated_at = now() WHERE payout_id = $1`,
      [payout.payoutId, payout.status, payout.failureCode],
    );
  }

  /** The next aggregate sequence of the merchant's payout events; locks the merchant's row. */
  async nextSequence(manager: EntityManager, merchantId: string): Promise<number> {
    const rows: { last_sequence: number }[] = await manager.query(
      `INSERT INTO payout_merchant_sequences (merchant_id, last_sequence) VALUES ($1, 1)
       ON CONFLICT (merchant_id) DO UPDATE SET last_sequence = payout_merchant_sequences.last_sequence + 1
       RETURNING last_sequence`,
      [merchantId],
    );
    const sequence = rows[0]?.last_sequence;
    if (sequence === undefined) throw new Error(`no payout sequence for ${merchantId}`);
    return sequence;
  }

  async addAvailable(
    manager: EntityManager,
    merchantId: string,
    currency: string,
    deltaMinor: bigint,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO merchant_available_balances (merchant_id, currency, available_minor) VALUES ($1, $2, $3)
       ON CONFLICT (merchant_id, currency) DO UPDATE
         SET available_minor = merchant_available_balances.available_minor + EXCLUDED.available_minor,
             updated_at = now()`,
      [merchantId, currency, deltaMinor.toString()],
    );
  }

  /**
   * Merchants with something available, and what their pending payouts will take from it; one
   * page, in (merchant, currency) order after the given key.
   */
  async dailyCandidates(
    after: { merchantId: string; currency: string } | null,
    limit: number,
  ): Promise<DailyPayoutCandidate[]> {
    const rows: { merchant_id: string; currency: string; available: string; pending: string }[] =
      await this.dataSource.query(
        `SELECT b.merchant_id, b.currency, b.available_minor::text AS available,
                coalesce((SELECT sum(p.amount_minor) FROM payouts p
                           WHERE p.merchant_id = b.merchant_id AND p.currency = b.currency
                             AND p.status = 'pending'), 0)::text AS pending
           FROM merchant_available_balances b
          WHERE b.available_minor > 0 AND (b.merchant_id, b.currency) > ($2, $3)
          ORDER BY b.merchant_id, b.currency
          LIMIT $1`,
        [limit, after?.merchantId ?? '', after?.currency ?? ''],
      );
    return rows.map((row) => ({
      merchantId: row.merchant_id,
      currency: row.currency,
      availableMinor: BigInt(row.available),
      pendingMinor: BigInt(row.pending),
    }));
  }
}
