/**
 * The analysts' overview: time buckets filled with zeros, amounts in one currency (one currency
 * picked, or every currency converted into a reporting currency with a named rate table), rates,
 * mixes and top merchants. Pure: integers and decimal strings, never a float.
 */
import { convertMinor, currencyExponent, type FxRateTable } from '@platform/money';
import { netMinor, ratio } from './report-figures';

export type OverviewPeriod = 'hour' | 'day' | 'week' | 'month';

/** Buckets one answer may hold: 2,000 hours is 83 days, enough for any view that stays readable. */
export const BUCKETS_MAX = 2_000;
/** Days shown when the query names no range, ending today in the query's time zone. */
export const DEFAULT_SPAN_DAYS: Record<OverviewPeriod, number> = {
  hour: 2,
  day: 30,
  week: 12 * 7,
  month: 365,
};

const DAY_MS = 86_400_000;

function dayNumber(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`) / DAY_MS;
}

function dayText(dayNumberValue: number): string {
  return new Date(dayNumberValue * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar day it is now in a time zone, YYYY-MM-DD. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export function defaultRange(period: OverviewPeriod, today: string): { from: string; to: string } {
  return { from: dayText(dayNumber(today) - DEFAULT_SPAN_DAYS[period] + 1), to: today };
}

/**
 * The start of every bucket from the one holding `from` to the one holding `to` (both calendar
 * days in the query's time zone), written as the database writes them: hours as
 * YYYY-MM-DDTHH:00, the rest as the bucket's first day (weeks start on Monday, as date_trunc).
 * Local hours are counted 24 a day: on a day that skips an hour its bucket stays at zero, on one
 * that repeats an hour both land in it.
 */
export function bucketStarts(period: OverviewPeriod, from: string, to: string): string[] {
  const first = dayNumber(from);
  const last = dayNumber(to);
  const starts: string[] = [];
  if (period === 'hour' || period === 'day') {
    for (let day = first; day <= last; day += 1) {
      if (period === 'day') starts.push(dayText(day));
      else
        for (let hour = 0; hour < 24; hour += 1)
          starts.push(`${dayText(day)}T${String(hour).padStart(2, '0')}:00`);
    }
  } else if (period === 'week') {
    // 1970-01-01 was a Thursday: day 0 of the epoch is 3 days after a Monday.
    const monday = (day: number) => day - ((day + 3) % 7);
    for (let day = monday(first); day <= monday(last); day += 7) starts.push(dayText(day));
  } else {
    let [year, month] = from.split('-').map(Number) as [number, number];
    const [lastYear, lastMonth] = to.split('-').map(Number) as [number, number];
    while (year < lastYear || (year === lastYear && month <= lastMonth)) {
      starts.push(`${year}-${String(month).padStart(2, '0')}-01`);
      month += 1;
      if (month === 13) {
        month = 1;
        year += 1;
      }
    }
  }
  return starts;
}

/** How many buckets bucketStarts would give, without building them (the size check comes first). */
export function bucketCount(period: OverviewPeriod, from: string, to: string): number {
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (period === 'hour') return days * 24;
  if (period === 'day') return days;
  if (period === 'week') return Math.floor(days / 7) + 2;
  return Math.ceil(days / 28) + 1;
}

/** Integer sums of one group of volume rows, in the minor units of `currency`. */
export interface VolumeSums {
  readonly currency: string;
  readonly grossMinor: bigint;
  readonly feeMinor: bigint;
  readonly refundedMinor: bigint;
  readonly disputedMinor: bigint;
  readonly captureCount: bigint;
  readonly refundCount: bigint;
  readonly disputeCount: bigint;
}

export const ZERO_SUMS: Omit<VolumeSums, 'currency'> = {
  grossMinor: 0n,
  feeMinor: 0n,
  refundedMinor: 0n,
  disputedMinor: 0n,
  captureCount: 0n,
  refundCount: 0n,
  disputeCount: 0n,
};

/** What amounts are shown in: one currency as it is, or all converted with a rate table. */
export type Denomination =
  | { readonly kind: 'currency'; readonly currency: string }
  | { readonly kind: 'converted'; readonly currency: string; readonly table: FxRateTable };

/**
 * Converts a group's sums into the denomination's currency, or null when they cannot be: another
 * currency than the one picked, or a currency the rate table has no rate into the target for.
 * Each amount is converted and rounded once per group (half away from zero), then groups add up.
 */
export function convertSums(sums: VolumeSums, denomination: Denomination): VolumeSums | null {
  if (sums.currency === denomination.currency) return sums;
  if (denomination.kind === 'currency') return null;
  const rate = denomination.table.rates[`${sums.currency}:${denomination.currency}`];
  if (rate === undefined) return null;
  const convert = (amountMinor: bigint) =>
    convertMinor(amountMinor, sums.currency, denomination.currency, rate);
  return {
    ...sums,
    currency: denomination.currency,
    grossMinor: convert(sums.grossMinor),
    feeMinor: convert(sums.feeMinor),
    refundedMinor: convert(sums.refundedMinor),
    disputedMinor: convert(sums.disputedMinor),
  };
}

export function addSums(
  a: Omit<VolumeSums, 'currency'>,
  b: Omit<VolumeSums, 'currency'>,
): Omit<VolumeSums, 'currency'> {
  return {
    grossMinor: a.grossMinor + b.grossMinor,
    feeMinor: a.feeMinor + b.feeMinor,
    refundedMinor: a.refundedMinor + b.refundedMinor,
    disputedMinor: a.disputedMinor + b.disputedMinor,
    captureCount: a.captureCount + b.captureCount,
    refundCount: a.refundCount + b.refundCount,
    disputeCount: a.disputeCount + b.disputeCount,
  };
}

/** The figures of a bucket or a total as the API writes them: amounts as strings, rates as decimals. */
export function figuresOf(sums: Omit<VolumeSums, 'currency'>) {
  return {
    gross_amount: sums.grossMinor.toString(),
    fee_amount: sums.feeMinor.toString(),
    refunded_amount: sums.refundedMinor.toString(),
    net_amount: netMinor(sums.grossMinor, sums.feeMinor, sums.refundedMinor).toString(),
    disputed_amount: sums.disputedMinor.toString(),
    count: Number(sums.captureCount),
    refund_count: Number(sums.refundCount),
    dispute_count: Number(sums.disputeCount),
    fee_rate: ratio(sums.feeMinor, sums.grossMinor),
    refund_rate: ratio(sums.refundCount, sums.captureCount),
    refunded_amount_rate: ratio(sums.refundedMinor, sums.grossMinor),
    dispute_rate: ratio(sums.disputeCount, sums.captureCount),
  };
}

export type Figures = ReturnType<typeof figuresOf>;

export interface OverviewRows {
  /** Sums per bucket start and currency, in the range and filters. */
  readonly series: readonly (VolumeSums & { readonly periodStart: string })[];
  /** Sums per payment method and currency. */
  readonly methods: readonly (VolumeSums & { readonly paymentMethod: string })[];
  /** Sums per currency, whatever currency was picked: the mix is across currencies. */
  readonly currencies: readonly VolumeSums[];
  /** Sums per merchant and currency. */
  readonly merchants: readonly (VolumeSums & { readonly merchant: string })[];
  /** Sums per currency over the range of the same length just before this one. */
  readonly previous: readonly VolumeSums[];
}

export interface Overview {
  readonly currency: string;
  readonly exponent: number;
  readonly conversion: {
    readonly reporting_currency: string;
    readonly rate_table: string;
    readonly rates: { from: string; to: string; rate: string }[];
    readonly unconverted: { currency: string; gross_amount: string; count: number }[];
  } | null;
  readonly totals: Figures;
  readonly previous_totals: Figures;
  readonly series: (Figures & { period_start: string })[];
  readonly payment_methods: (Figures & { payment_method: string; share_of_gross: string | null })[];
  readonly currencies: {
    currency: string;
    exponent: number;
    gross_amount: string;
    count: number;
    converted_gross_amount: string | null;
    share_of_count: string | null;
  }[];
  readonly top_merchants: (Figures & { merchant: string })[];
}

/** Adds groups up by key in the denomination; groups that cannot be converted are left out. */
function sumBy<T extends VolumeSums>(
  rows: readonly T[],
  key: (row: T) => string,
  denomination: Denomination,
): Map<string, Omit<VolumeSums, 'currency'>> {
  const sums = new Map<string, Omit<VolumeSums, 'currency'>>();
  for (const row of rows) {
    const converted = convertSums(row, denomination);
    if (converted === null) continue;
    sums.set(key(row), addSums(sums.get(key(row)) ?? ZERO_SUMS, converted));
  }
  return sums;
}

export function buildOverview(input: {
  readonly rows: OverviewRows;
  readonly denomination: Denomination;
  readonly bucketStarts: readonly string[];
  readonly topMerchants: number;
}): Overview {
  const { rows, denomination } = input;
  const byBucket = sumBy(rows.series, (row) => row.periodStart, denomination);
  const series = input.bucketStarts.map((start) => ({
    period_start: start,
    ...figuresOf(byBucket.get(start) ?? ZERO_SUMS),
  }));
  // Totals are the sum of the buckets, so a chart and its total never disagree by a rounding.
  const totals = [...byBucket.values()].reduce(addSums, ZERO_SUMS);
  const previous = [...sumBy(rows.previous, () => 'all', denomination).values()].reduce(addSums, ZERO_SUMS);
  const methods = [...sumBy(rows.methods, (row) => row.paymentMethod, denomination)]
    .filter(([, sums]) => sums.captureCount + sums.refundCount + sums.disputeCount > 0n)
    .sort(([a, x], [b, y]) =>
      x.grossMinor === y.grossMinor ? (a < b ? -1 : 1) : x.grossMinor > y.grossMinor ? -1 : 1,
    )
    .map(([paymentMethod, sums]) => ({
      payment_method: paymentMethod,
      share_of_gross: ratio(sums.grossMinor, totals.grossMinor),
      ...figuresOf(sums),
    }));
  const allCount = rows.currencies.reduce((count, row) => count + row.captureCount, 0n);
  const currencies = [...rows.currencies]
    .sort((a, b) =>
      a.captureCount === b.captureCount
        ? a.currency < b.currency
          ? -1
          : 1
        : a.captureCount > b.captureCount
          ? -1
          : 1,
    )
    .map((row) => {
      const converted = denomination.kind === 'converted' ? convertSums(row, denomination) : null;
      return {
        currency: row.currency.toLowerCase(),
        exponent: currencyExponent(row.currency),
        gross_amount: row.grossMinor.toString(),
        count: Number(row.captureCount),
        converted_gross_amount: converted === null ? null : converted.grossMinor.toString(),
        share_of_count: ratio(row.captureCount, allCount),
      };
    });
  const topMerchants = [...sumBy(rows.merchants, (row) => row.merchant, denomination)]
    .sort(([a, x], [b, y]) =>
      x.grossMinor === y.grossMinor ? (a < b ? -1 : 1) : x.grossMinor > y.grossMinor ? -1 : 1,
    )
    .slice(0, input.topMerchants)
    .map(([merchant, sums]) => ({ merchant, ...figuresOf(sums) }));
  let conversion: Overview['conversion'] = null;
  if (denomination.kind === 'converted') {
    const seen = [...new Set(rows.currencies.map((row) => row.currency))]
      .filter((c) => c !== denomination.currency)
      .sort();
    conversion = {
      reporting_currency: denomination.currency.toLowerCase(),
      rate_table: denomination.table.version,
      rates: seen.flatMap((currency) => {
        const rate = denomination.table.rates[`${currency}:${denomination.currency}`];
        return rate === undefined
          ? []
          : [{ from: currency.toLowerCase(), to: denomination.currency.toLowerCase(), rate }];
      }),
      unconverted: rows.currencies
        .filter((row) => convertSums(row, denomination) === null)
        .map((row) => ({
          currency: row.currency.toLowerCase(),
          gross_amount: row.grossMinor.toString(),
          count: Number(row.captureCount),
        })),
    };
  }
  return {
    currency: denomination.currency.toLowerCase(),
    exponent: currencyExponent(denomination.currency),
    conversion,
    totals: figuresOf(totals),
    previous_totals: figuresOf(previous),
    series,
    payment_methods: methods,
    currencies,
    top_merchants: topMerchants,
  };
}
