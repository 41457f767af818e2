import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  distinctBySequence,
  foldEntries,
  type LedgerEntryPosted,
  type ProjectionDeltas,
} from '@platform/ledger-projection';

export interface Checkpoint {
  readonly contiguousSequence: bigint;
  readonly lastSequence: bigint;
  readonly eventsApplied: bigint;
  readonly aheadCount: bigint;
}

const big = (values: bigint[]) => values.map((value) => value.toString());

/** The only code that writes a generation's projection tables and its checkpoint. */
@Injectable()
export class ProjectionStoreRepository {
  /**
   * Applies entries once each, in the caller's transaction: rows, idempotency record and checkpoint
   * commit together. The checkpoint row is locked first, so writers of a generation are serialised
   * (and never deadlock on rows). Returns how many entries were new.
   */
  async apply(
    manager: EntityManager,
    schema: string,
    entries: readonly LedgerEntryPosted[],
  ): Promise<number> {
    const [checkpoint] = await manager.query<{ contiguous_sequence: string }[]>(
      `SELECT contiguous_sequence FROM ${schema}.checkpoint WHERE id = 1 FOR UPDATE`,
    );
    if (checkpoint === undefined) throw new Error(`${schema} has no checkpoint row`);
    const contiguous = BigInt(checkpoint.contiguous_sequence);
    const candidates = distinctBySequence(entries).filter((entry) => BigInt(entry.sequence) > contiguous);
    if (candidates.length === 0) return 0;
    const inserted = await manager.query<{ sequence: string }[]>(
      `INSERT INTO ${schema}.applied_ahead (sequence) SELECT unnest($1::bigint[])
       ON CONFLICT DO NOTHING RETURNING sequence::text`,
      [candidates.map((entry) => entry.sequence)],
    );
    const fresh = new Set(inserted.map((row) => row.sequence));
    const applied = candidates.filter((entry) => fresh.has(entry.sequence));
    if (applied.length === 0) return 0;
    await this.write(manager, schema, foldEntries(applied));
    const lastSequence = applied.reduce(
      (max, e) => (BigInt(e.sequence) > max ? BigInt(e.sequence) : max),
      0n,
    );
    // Walk up from the contiguous sequence through the applied ones; what is below is settled.
    await manager.query(
      `WITH RECURSIVE run(sequence) AS (
         SELECT $1::bigint
         UNION ALL
         SELECT a.sequence FROM ${schema}.applied_ahead a JOIN run ON a.sequence = run.sequence + 1)
       , top AS (SELECT max(sequence) AS sequence FROM run)
       , settled AS (DELETE FROM ${schema}.applied_ahead WHERE sequence <= (SELECT sequence FROM top))
       UPDATE ${schema}.checkpoint SET contiguous_sequence = (SELECT sequence FROM top),
         last_sequence = GREATEST(last_sequence, $2::bigint),
         events_applied = events_applied + $3, updated_at = now()
       WHERE id = 1`,
      [contiguous.toString(), lastSequence.toString(), applied.length],
    );
    return applied.length;
  }

  async checkpoint(manager: EntityManager, schema: string): Promise<Checkpoint> {
    const [row] = await manager.query<
      { contiguous_sequence: string; last_sequence: string; events_applied: string; ahead: string }[]
    >(
      `SELECT contiguous_sequence, last_sequence, events_applied,
              (SELECT count(*) FROM ${schema}.applied_ahead) AS ahead
         FROM ${schema}.checkpoint WHERE id = 1`,
    );
    if (row === undefined) throw new Error(`${schema} has no checkpoint row`);
    return {
      contiguousSequence: BigInt(row.contiguous_sequence),
      lastSequence: BigInt(row.last_sequence),
      eventsApplied: BigInt(row.events_applied),
      aheadCount: BigInt(row.ahead),
    };
  }

  private async write(manager: EntityManager, schema: string, deltas: ProjectionDeltas): Promise<void> {
    // Rows in key order, so that concurrent writers (none today: the checkpoint lock) could not deadlock.
    const sorted = <T>(map: Map<string, T>) =>
      [...map].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
    const volume = sorted(deltas.volume);
    if (volume.length > 0) {
      await manager.query(
        `INSERT INTO ${schema}.volume AS t (merchant_id, bucket, currency, settlement_currency, payment_method,
           gross_minor, fee_minor, refunded_minor, capture_count, refund_count, dispute_count, disputed_minor,
           settlement_gross_minor, settlement_refunded_minor, settlement_disputed_minor)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::bigint[],
           $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[],
           $14::bigint[], $15::bigint[])
         ON CONFLICT (merchant_id, bucket, currency, settlement_currency, payment_method) DO UPDATE SET
           gross_minor = t.gross_minor + EXCLUDED.gross_minor,
           fee_minor = t.fee_minor + EXCLUDED.fee_minor,
           refunded_minor = t.refunded_minor + EXCLUDED.refunded_minor,
           capture_count = t.capture_count + EXCLUDED.capture_count,
           refund_count = t.refund_count + EXCLUDED.refund_count,
           dispute_count = t.dispute_count + EXCLUDED.dispute_count,
           disputed_minor = t.disputed_minor + EXCLUDED.disputed_minor,
           settlement_gross_minor = t.settlement_gross_minor + EXCLUDED.settlement_gross_minor,
           settlement_refunded_minor = t.settlement_refunded_minor + EXCLUDED.settlement_refunded_minor,
           settlement_disputed_minor = t.settlement_disputed_minor + EXCLUDED.settlement_disputed_minor`,
        [
          volume.map((r) => r.merchantId),
          volume.map((r) => r.bucket),
          volume.map((r) => r.currency),
          volume.map((r) => r.settlementCurrency),
          volume.map((r) => r.paymentMethod),
          big(volume.map((r) => r.grossMinor)),
          big(volume.map((r) => r.feeMinor)),
          big(volume.map((r) => r.refundedMinor)),
          big(volume.map((r) => r.captureCount)),
          big(volume.map((r) => r.refundCount)),
          big(volume.map((r) => r.disputeCount)),
          big(volume.map((r) => r.disputedMinor)),
          big(volume.map((r) => r.settlementGrossMinor)),
          big(volume.map((r) => r.settlementRefundedMinor)),
          big(volume.map((r) => r.settlementDisputedMinor)),
        ],
      );
    }
    const balances = sorted(deltas.balances);
    if (balances.length > 0) {
      await manager.query(
        `INSERT INTO ${schema}.balances AS t (account_code, account_type, currency, merchant_id,
           debit_minor, credit_minor, posting_count, last_sequence)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[],
           $6::bigint[], $7::bigint[], $8::bigint[])
         ON CONFLICT (account_code) DO UPDATE SET
           debit_minor = t.debit_minor + EXCLUDED.debit_minor,
           credit_minor = t.credit_minor + EXCLUDED.credit_minor,
           posting_count = t.posting_count + EXCLUDED.posting_count,
           last_sequence = GREATEST(t.last_sequence, EXCLUDED.last_sequence)`,
        [
          balances.map((r) => r.accountCode),
          balances.map((r) => r.accountType),
          balances.map((r) => r.currency),
          balances.map((r) => r.merchantId),
          big(balances.map((r) => r.debitMinor)),
          big(balances.map((r) => r.creditMinor)),
          big(balances.map((r) => r.postingCount)),
          big(balances.map((r) => r.lastSequence)),
        ],
      );
    }
    const fees = sorted(deltas.fees);
    if (fees.length > 0) {
      await manager.query(
        `INSERT INTO ${schema}.fees AS t (bucket, currency, merchant_id, revenue_minor, entry_count)
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
         ON CONFLICT (bucket, currency, merchant_id) DO UPDATE SET
           revenue_minor = t.revenue_minor + EXCLUDED.revenue_minor,
           entry_count = t.entry_count + EXCLUDED.entry_count`,
        [
          fees.map((r) => r.bucket),
          fees.map((r) => r.currency),
          fees.map((r) => r.merchantId),
          big(fees.map((r) => r.revenueMinor)),
          big(fees.map((r) => r.entryCount)),
        ],
      );
    }
    const payouts = sorted(deltas.payouts);
    if (payouts.length > 0) {
      await manager.query(
        `INSERT INTO ${schema}.payouts AS t (merchant_id, bucket, currency, requested_minor, requested_count,
           paid_minor, paid_count, failed_minor, failed_count)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::bigint[], $5::bigint[],
           $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
         ON CONFLICT (merchant_id, bucket, currency) DO UPDATE SET
           requested_minor = t.requested_minor + EXCLUDED.requested_minor,
           requested_count = t.requested_count + EXCLUDED.requested_count,
           paid_minor = t.paid_minor + EXCLUDED.paid_minor,
           paid_count = t.paid_count + EXCLUDED.paid_count,
           failed_minor = t.failed_minor + EXCLUDED.failed_minor,
           failed_count = t.failed_count + EXCLUDED.failed_count`,
        [
          payouts.map((r) => r.merchantId),
          payouts.map((r) => r.bucket),
          payouts.map((r) => r.currency),
          big(payouts.map((r) => r.requestedMinor)),
          big(payouts.map((r) => r.requestedCount)),
          big(payouts.map((r) => r.paidMinor)),
          big(payouts.map((r) => r.paidCount)),
          big(payouts.map((r) => r.failedMinor)),
          big(payouts.map((r) => r.failedCount)),
        ],
      );
    }
    const activity = sorted(deltas.activity);
    if (activity.length > 0) {
      await manager.query(
        `INSERT INTO ${schema}.activity AS t (merchant_id, currency, kind, entry_count, gross_minor, fee_minor,
           merchant_posted_minor, merchant_credited_minor, revenue_minor)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
           $7::bigint[], $8::bigint[], $9::bigint[])
         ON CONFLICT (merchant_id, currency, kind) DO UPDATE SET
           entry_count = t.entry_count + EXCLUDED.entry_count,
           gross_minor = t.gross_minor + EXCLUDED.gross_minor,
           fee_minor = t.fee_minor + EXCLUDED.fee_minor,
           merchant_posted_minor = t.merchant_posted_minor + EXCLUDED.merchant_posted_minor,
           merchant_credited_minor = t.merchant_credited_minor + EXCLUDED.merchant_credited_minor,
           revenue_minor = t.revenue_minor + EXCLUDED.revenue_minor`,
        [
          activity.map((r) => r.merchantId),
          activity.map((r) => r.currency),
          activity.map((r) => r.kind),
          big(activity.map((r) => r.entryCount)),
          big(activity.map((r) => r.grossMinor)),
          big(activity.map((r) => r.feeMinor)),
          big(activity.map((r) => r.merchantPostedMinor)),
          big(activity.map((r) => r.merchantCreditedMinor)),
          big(activity.map((r) => r.revenueMinor)),
        ],
      );
    }
  }
}
