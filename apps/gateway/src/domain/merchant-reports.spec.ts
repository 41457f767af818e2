import { ListParameterError } from './list-window';
import {
  groupingOf,
  inReport,
  nextPeriodStart,
  periodStartOf,
  REPORT_COLUMNS,
  REPORT_PERIODS_MAX,
  reportRow,
  reportWindow,
  type VolumeSums,
} from './merchant-reports';

const at = (iso: string): Date => new Date(iso);
const seconds = (iso: string): number => Date.parse(iso) / 1000;

const SUMS: VolumeSums = {
  periodStart: at('2026-03-02T00:00:00Z'),
  currency: 'USD',
  settlementCurrency: 'JPY',
  paymentMethod: 'card',
  grossMinor: 1_000_000n,
  refundedMinor: 250_000n,
  disputedMinor: 0n,
  settlementGrossMinor: 1_512_000n,
  feeMinor: 44_376n,
  settlementRefundedMinor: 378_000n,
  settlementDisputedMinor: 0n,
  captureCount: 1n,
  refundCount: 1n,
  disputeCount: 0n,
};

describe('merchant report periods', () => {
  it('starts days, Monday weeks and months in UTC', () => {
    // 2026-03-01 is a Sunday: its week began on Monday 2026-02-23.
    expect(periodStartOf(at('2026-03-01T23:59:59Z'), 'day')).toEqual(at('2026-03-01T00:00:00Z'));
    expect(periodStartOf(at('2026-03-01T23:59:59Z'), 'week')).toEqual(at('2026-02-23T00:00:00Z'));
    expect(periodStartOf(at('2026-03-02T00:00:00Z'), 'week')).toEqual(at('2026-03-02T00:00:00Z'));
    expect(periodStartOf(at('2026-02-28T12:00:00Z'), 'month')).toEqual(at('2026-02-01T00:00:00Z'));
    expect(nextPeriodStart(at('2026-12-01T00:00:00Z'), 'month')).toEqual(at('2027-01-01T00:00:00Z'));
    expect(nextPeriodStart(at('2026-02-23T00:00:00Z'), 'week')).toEqual(at('2026-03-02T00:00:00Z'));
  });

  it('widens the range to whole periods and defaults to the last 30 days', () => {
    const range = { from: at('2026-03-01T10:00:00Z'), until: at('2026-03-03T00:00:01Z') };
    expect(reportWindow(range, 'day', at('2030-01-01T00:00:00Z'))).toEqual({
      from: at('2026-03-01T00:00:00Z'),
      until: at('2026-03-04T00:00:00Z'),
      periods: 3,
    });
    expect(reportWindow(range, 'week', at('2030-01-01T00:00:00Z')).periods).toBe(2);
    const now = at('2026-03-31T12:00:00Z');
    expect(reportWindow({ from: null, until: null }, 'day', now)).toEqual({
      from: at('2026-03-01T00:00:00Z'),
      until: at('2026-04-01T00:00:00Z'),
      periods: 31,
    });
  });

  it('refuses an empty range and more periods than the cap', () => {
    const now = at('2026-03-31T12:00:00Z');
    expect(() => reportWindow({ from: now, until: now }, 'day', now)).toThrow(ListParameterError);
    const twoYears = { from: at('2024-01-01T00:00:00Z'), until: at('2026-01-01T00:00:00Z') };
    expect(() => reportWindow(twoYears, 'day', now)).toThrow(`more than ${REPORT_PERIODS_MAX} periods`);
    expect(reportWindow(twoYears, 'week', now).periods).toBe(105);
    expect(reportWindow(twoYears, 'month', now).periods).toBe(24);
  });
});

describe('merchant report grouping and rows', () => {
  it('groups by both by default, by what is listed, and refuses anything else', () => {
    expect(groupingOf(undefined)).toEqual({ currency: true, paymentMethod: true });
    expect(groupingOf('payment_method')).toEqual({ currency: false, paymentMethod: true });
    expect(groupingOf('currency, payment_method')).toEqual({ currency: true, paymentMethod: true });
    expect(groupingOf('')).toEqual({ currency: false, paymentMethod: false });
    expect(() => groupingOf('merchant')).toThrow(ListParameterError);
  });

  it('shows presentment amounts beside currency and settlement ones beside settlement_currency', () => {
    const row = reportRow('volume', 'week', SUMS, Number);
    expect(Object.keys(row)).toEqual(REPORT_COLUMNS.volume);
    expect(row).toMatchObject({
      period_start: seconds('2026-03-02T00:00:00Z'),
      period_end: seconds('2026-03-09T00:00:00Z'),
      currency: 'usd',
      gross_amount: 1_000_000,
      refunded_amount: 250_000,
      settlement_currency: 'jpy',
      settlement_gross_amount: 1_512_000,
      fee_amount: 44_376,
      // 1,512,000 − 44,376 − 378,000 JPY: never a USD amount taken from a JPY one.
      net_amount: 1_089_624,
      count: 1,
      refund_count: 1,
    });
    const ungrouped = reportRow('refunds', 'week', { ...SUMS, currency: null, paymentMethod: null }, Number);
    expect(ungrouped).toEqual({
      period_start: seconds('2026-03-02T00:00:00Z'),
      period_end: seconds('2026-03-09T00:00:00Z'),
      currency: null,
      payment_method: null,
      refunded_amount: null,
      settlement_currency: 'jpy',
      settlement_refunded_amount: 378_000,
      refund_count: 1,
    });
  });

  it('keeps in each report only the groups holding what it counts', () => {
    expect(inReport('volume', SUMS)).toBe(true);
    expect(inReport('refunds', SUMS)).toBe(true);
    expect(inReport('disputes', SUMS)).toBe(false);
    expect(inReport('fees', { ...SUMS, captureCount: 0n })).toBe(false);
    expect(inReport('disputes', { ...SUMS, disputeCount: 2n })).toBe(true);
  });
});
