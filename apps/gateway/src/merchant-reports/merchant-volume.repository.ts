import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { entryProblem, foldEntries, NO_MERCHANT, type LedgerEntryPosted } from '@platform/ledger-projection';
import type { ReportGrouping, ReportPeriod, ReportWindow, VolumeSums } from '../domain/merchant-reports';

const AMOUNT_COLUMNS = [
  'gross_minor',
  'fee_minor',
  'refunded_minor',
  'disputed_minor',
  'capture_count',
  'refund_count',
  'dispute_count',
  'settlement_gross_minor',
  'settlement_refunded_minor',
  'settlement_disputed_minor',
] as const;

/**
 * Adds one ledger entry's volume rows to merchant_volume, in the caller's transaction (the
 * balance consumer's, which records the event as processed: each entry is added once). One
 * set-based statement per entry. An entry the fold cannot take is left out here, as reporting
 * refuses it too; the balances still move.
 */
export async function recordMerchantVolume(manager: EntityManager, entry: LedgerEntryPosted): Promise<void> {
  if (entryProblem(entry) !== undefined) return;
  const rows = [...foldEntries([entry]).volume.values()].filter((row) => row.merchantId !== NO_MERCHANT);
  if (rows.length === 0) return;
  const amounts = (pick: (row: (typeof rows)[number]) => bigint): string[] =>
    rows.map((row) => pick(row).toString());
  await manager.query(
    `INSERT INTO merchant_volume (merchant_id, bucket, currency, settlement_currency, payment_method,
       ${AMOUNT_COLUMNS.join(', ')})
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[],
       $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[],
       $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[])
     ON CONFLICT (merchant_id, bucket, currency, settlement_currency, payment_method) DO UPDATE SET
       ${AMOUNT_COLUMNS.map((column) => `${column} = merchant_volume.${column} + excluded.${column}`).join(',\n       ')}`,
    [
      rows.map((row) => row.merchantId),
      rows.map((row) => row.bucket),
      rows.map((row) => row.currency),
      rows.map((row) => row.settlementCurrency),
      rows.map((row) => row.paymentMethod),
      amounts((row) => row.grossMinor),
      amounts((row) => row.feeMinor),
      amounts((row) => row.refundedMinor),
      amounts((row) => row.disputedMinor),
      amounts((row) => row.captureCount),
      amounts((row) => row.refundCount),
      amounts((row) => row.disputeCount),
      amounts((row) => row.settlementGrossMinor),
      amounts((row) => row.settlementRefundedMinor),
      amounts((row) => row.settlementDisputedMinor),
    ],
  );
}

interface SumsRow {
  period_start: Date;
  currency: string | null;
  settlement_currency: string;
  payment_method: string | null;
  gross_minor: string;
  fee_minor: string;
  refunded_minor: string;
  disputed_minor: string;
  capture_count: string;
  refund_count: string;
  dispute_count: string;
  settlement_gross_minor: string;
  settlement_refunded_minor: string;
  settlement_disputed_minor: string;
}

/** Reads merchant_volume for one merchant; with recordMerchantVolume, the only code touching it. */
@Injectable()
export class MerchantVolumeRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Sums per period (UTC; date_trunc's week starts on Monday), settlement currency and grouping. */
  async sums(
    merchantId: string,
    period: ReportPeriod,
    window: ReportWindow,
    grouping: ReportGrouping,
  ): Promise<VolumeSums[]> {
    const currency = grouping.currency ? 'currency' : 'NULL::text';
    const method = grouping.paymentMethod ? 'payment_method' : 'NULL::text';
    const rows: SumsRow[] = await this.dataSource.query(
      `SELECT date_trunc($2, bucket AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS period_start,
         ${currency} AS currency, settlement_currency, ${method} AS payment_method,
         ${AMOUNT_COLUMNS.map((column) => `sum(${column})::text AS ${column}`).join(', ')}
       FROM merchant_volume
       WHERE merchant_id = $1 AND bucket >= $3 AND bucket < $4
       GROUP BY 1, 2, 3, 4
       ORDER BY 1, 2, 3, 4`,
      [merchantId, period, window.from, window.until],
    );
    return rows.map((row) => ({
      periodStart: row.period_start,
      currency: row.currency,
      settlementCurrency: row.settlement_currency,
      paymentMethod: row.payment_method,
      grossMinor: BigInt(row.gross_minor),
      refundedMinor: BigInt(row.refunded_minor),
      disputedMinor: BigInt(row.disputed_minor),
      settlementGrossMinor: BigInt(row.settlement_gross_minor),
      feeMinor: BigInt(row.fee_minor),
      settlementRefundedMinor: BigInt(row.settlement_refunded_minor),
      settlementDisputedMinor: BigInt(row.settlement_disputed_minor),
      captureCount: BigInt(row.capture_count),
      refundCount: BigInt(row.refund_count),
      disputeCount: BigInt(row.dispute_count),
    }));
  }
}
