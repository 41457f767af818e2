/**
 * A merchant's reports from its volume rows (the ledger's entries folded by the shared projection
 * fold): periods, grouping and the rows each report shows. Pure: no clock, no I/O.
 */
import { ListParameterError, type CreatedRange } from './list-window';

export const REPORT_KINDS = ['volume', 'fees', 'refunds', 'disputes'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_PERIODS = ['day', 'week', 'month'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];
export const GROUP_BY_VALUES = ['payment_method', 'currency'] as const;

/** A year of days: more periods than that is a 400, not a slow query. */
export const REPORT_PERIODS_MAX = 366;
export const REPORT_DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

export interface ReportGrouping {
  /** Split by presentment currency (settlement currency always splits: amounts never mix). */
  readonly currency: boolean;
  readonly paymentMethod: boolean;
}

export interface ReportWindow {
  /** Start of the first period, inclusive. */
  readonly from: Date;
  /** End of the last period, exclusive. */
  readonly until: Date;
  readonly periods: number;
}

/** The start of the UTC day, week (from Monday) or month holding `at`. */
export function periodStartOf(at: Date, period: ReportPeriod): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (period === 'month') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  if (period === 'day') return new Date(day);
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY_MS);
}

export function nextPeriodStart(start: Date, period: ReportPeriod): Date {
  if (period === 'month') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return new Date(start.getTime() + (period === 'week' ? 7 : 1) * DAY_MS);
}

/**
 * The whole periods the created range touches; without bounds, the last 30 days up to `now`.
 * Refuses an empty range and one of more than REPORT_PERIODS_MAX periods.
 */
export function reportWindow(range: CreatedRange, period: ReportPeriod, now: Date): ReportWindow {
  const until = range.until ?? now;
  const from = range.from ?? new Date(until.getTime() - REPORT_DEFAULT_DAYS * DAY_MS);
  if (from.getTime() >= until.getTime()) {
    throw new ListParameterError('created[lt]', 'created[lt] must be later than created[gte].');
  }
  const first = periodStartOf(from, period);
  let end = first;
  let periods = 0;
  while (end.getTime() < until.getTime()) {
    periods += 1;
    if (periods > REPORT_PERIODS_MAX) {
      throw new ListParameterError(
        'created[gte]',
        `The range covers more than ${REPORT_PERIODS_MAX} periods of a ${period}: narrow created[gte] and created[lt] or choose a longer period.`,
      );
    }
    end = nextPeriodStart(end, period);
  }
  return { from: first, until: end, periods };
}

/** group_by: a comma list of payment_method and currency; absent means both, empty neither. */
export function groupingOf(groupBy: string | undefined): ReportGrouping {
  if (groupBy === undefined) return { currency: true, paymentMethod: true };
  const parts = groupBy === '' ? [] : groupBy.split(',').map((part) => part.trim());
  for (const part of parts) {
    if (!(GROUP_BY_VALUES as readonly string[]).includes(part)) {
      throw new ListParameterError(
        'group_by',
        `group_by takes a comma list of ${GROUP_BY_VALUES.join(', ')}.`,
      );
    }
  }
  return { currency: parts.includes('currency'), paymentMethod: parts.includes('payment_method') };
}

/** One group's sums as the database returns them: integers as strings, null where not grouped. */
export interface VolumeSums {
  readonly periodStart: Date;
  readonly currency: string | null;
  readonly settlementCurrency: string;
  readonly paymentMethod: string | null;
  readonly grossMinor: bigint;
  readonly refundedMinor: bigint;
  readonly disputedMinor: bigint;
  readonly settlementGrossMinor: bigint;
  readonly feeMinor: bigint;
  readonly settlementRefundedMinor: bigint;
  readonly settlementDisputedMinor: bigint;
  readonly captureCount: bigint;
  readonly refundCount: bigint;
  readonly disputeCount: bigint;
}

export type ReportRow = Record<string, string | number | null>;

const KEY_COLUMNS = ['period_start', 'period_end', 'currency', 'payment_method'];

/** Columns of each report, in order (also the CSV's header). */
export const REPORT_COLUMNS: Record<ReportKind, readonly string[]> = {
  volume: [
    ...KEY_COLUMNS,
    'gross_amount',
    'refunded_amount',
    'settlement_currency',
    'settlement_gross_amount',
    'fee_amount',
    'settlement_refunded_amount',
    'net_amount',
    'count',
    'refund_count',
  ],
  fees: [...KEY_COLUMNS, 'settlement_currency', 'fee_amount', 'settlement_gross_amount', 'count'],
  refunds: [
    ...KEY_COLUMNS,
    'refunded_amount',
    'settlement_currency',
    'settlement_refunded_amount',
    'refund_count',
  ],
  disputes: [
    ...KEY_COLUMNS,
    'disputed_amount',
    'settlement_currency',
    'settlement_disputed_amount',
    'dispute_count',
  ],
};

/** Whether a group belongs in the report: it holds at least one of what the report counts. */
export function inReport(kind: ReportKind, sums: VolumeSums): boolean {
  if (kind === 'volume') return sums.captureCount > 0n || sums.refundCount > 0n;
  if (kind === 'fees') return sums.captureCount > 0n;
  if (kind === 'refunds') return sums.refundCount > 0n;
  return sums.disputeCount > 0n;
}

/**
 * One report row. Presentment amounts (what customers paid in) are shown only when grouped by
 * currency, beside it; settlement amounts always beside settlement_currency. `amount` turns minor
 * units into the JSON integer (it refuses what a JSON number cannot hold exactly).
 */
export function reportRow(
  kind: ReportKind,
  period: ReportPeriod,
  sums: VolumeSums,
  amount: (minor: bigint) => number,
): ReportRow {
  const presentment = (minor: bigint): number | null => (sums.currency === null ? null : amount(minor));
  const row: ReportRow = {
    period_start: Math.floor(sums.periodStart.getTime() / 1000),
    period_end: Math.floor(nextPeriodStart(sums.periodStart, period).getTime() / 1000),
    currency: sums.currency?.toLowerCase() ?? null,
    payment_method: sums.paymentMethod,
    settlement_currency: sums.settlementCurrency.toLowerCase(),
  };
  if (kind === 'volume') {
    const net = sums.settlementGrossMinor - sums.feeMinor - sums.settlementRefundedMinor;
    Object.assign(row, {
      gross_amount: presentment(sums.grossMinor),
      refunded_amount: presentment(sums.refundedMinor),
      settlement_gross_amount: amount(sums.settlementGrossMinor),
      fee_amount: amount(sums.feeMinor),
      settlement_refunded_amount: amount(sums.settlementRefundedMinor),
      net_amount: amount(net),
      count: amount(sums.captureCount),
      refund_count: amount(sums.refundCount),
    });
  } else if (kind === 'fees') {
    Object.assign(row, {
      fee_amount: amount(sums.feeMinor),
      settlement_gross_amount: amount(sums.settlementGrossMinor),
      count: amount(sums.captureCount),
    });
  } else if (kind === 'refunds') {
    Object.assign(row, {
      refunded_amount: presentment(sums.refundedMinor),
      settlement_refunded_amount: amount(sums.settlementRefundedMinor),
      refund_count: amount(sums.refundCount),
    });
  } else {
    Object.assign(row, {
      disputed_amount: presentment(sums.disputedMinor),
      settlement_disputed_amount: amount(sums.settlementDisputedMinor),
      dispute_count: amount(sums.disputeCount),
    });
  }
  return Object.fromEntries(REPORT_COLUMNS[kind].map((column) => [column, row[column] ?? null]));
}
