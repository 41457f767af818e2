import { DEFAULT_FX_RATE_TABLE } from '@platform/money';
import {
  BUCKETS_MAX,
  ZERO_SUMS,
  bucketCount,
  bucketStarts,
  buildOverview,
  convertSums,
  defaultRange,
  todayIn,
  type OverviewRows,
  type VolumeSums,
} from './overview';

const sums = (currency: string, grossMinor: bigint, more: Partial<VolumeSums> = {}): VolumeSums => ({
  ...ZERO_SUMS,
  currency,
  grossMinor,
  captureCount: 1n,
  ...more,
});

const converted = { kind: 'converted', currency: 'USD', table: DEFAULT_FX_RATE_TABLE } as const;

describe('overview buckets', () => {
  it('lists every bucket of the range, empty ones included', () => {
    expect(bucketStarts('day', '2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(bucketStarts('hour', '2026-12-05', '2026-12-05')).toHaveLength(24);
    expect(bucketStarts('hour', '2026-12-05', '2026-12-06').slice(23, 25)).toEqual([
      '2026-12-05T23:00',
      '2026-12-06T00:00',
    ]);
    // Weeks start on Monday, like date_trunc('week'): 2026-12-05 is a Saturday.
    expect(bucketStarts('week', '2026-12-05', '2026-12-14')).toEqual([
      '2026-11-30',
      '2026-12-07',
      '2026-12-14',
    ]);
    expect(bucketStarts('month', '2026-11-15', '2027-02-01')).toEqual([
      '2026-11-01',
      '2026-12-01',
      '2027-01-01',
      '2027-02-01',
    ]);
  });

  it('bounds the count before building anything, never below the real count', () => {
    for (const period of ['hour', 'day', 'week', 'month'] as const) {
      for (const [from, to] of [
        ['2026-01-01', '2026-01-01'],
        ['2025-12-29', '2026-03-03'],
        ['2024-02-10', '2026-11-30'],
      ] as const) {
        expect(bucketCount(period, from, to)).toBeGreaterThanOrEqual(bucketStarts(period, from, to).length);
      }
    }
    expect(bucketCount('hour', '2026-01-01', '2026-03-25')).toBeGreaterThan(BUCKETS_MAX);
  });

  it('ends the default range today in the time zone', () => {
    const now = new Date('2026-12-05T23:30:00Z');
    expect(todayIn('UTC', now)).toBe('2026-12-05');
    expect(todayIn('Asia/Tokyo', now)).toBe('2026-12-06');
    expect(defaultRange('day', '2026-12-05')).toEqual({ from: '2026-11-06', to: '2026-12-05' });
  });
});

describe('overview figures', () => {
  it('converts with the rate table between currencies of different exponents, or not at all', () => {
    // 10 000 JPY at 0.00661376 is 6 613.76 cents: 6 614.
    expect(convertSums(sums('JPY', 10_000n), converted)?.grossMinor).toBe(6_614n);
    expect(convertSums(sums('USD', 123n), converted)?.grossMinor).toBe(123n);
    expect(convertSums(sums('KWD', 1_000n), converted)).toBeNull();
    expect(convertSums(sums('JPY', 1n), { kind: 'currency', currency: 'USD' })).toBeNull();
  });

  it('fills empty buckets with zeros, adds totals from the buckets, and names what it could not convert', () => {
    const rows: OverviewRows = {
      series: [
        { ...sums('USD', 10_000n, { feeMinor: 320n }), periodStart: '2026-12-01' },
        { ...sums('JPY', 10_000n, { feeMinor: 300n }), periodStart: '2026-12-03' },
        { ...sums('KWD', 5_000n), periodStart: '2026-12-03' },
      ],
      methods: [
        { ...sums('USD', 10_000n), paymentMethod: 'card' },
        { ...sums('JPY', 10_000n), paymentMethod: 'wallet' },
      ],
      currencies: [sums('USD', 10_000n), sums('JPY', 10_000n), sums('KWD', 5_000n, { captureCount: 2n })],
      merchants: [
        { ...sums('USD', 10_000n), merchant: 'mer_aaaaaaaa' },
        { ...sums('JPY', 10_000n), merchant: 'mer_bbbbbbbb' },
      ],
      previous: [sums('USD', 500n)],
    };
    const overview = buildOverview({
      rows,
      denomination: converted,
      bucketStarts: bucketStarts('day', '2026-12-01', '2026-12-03'),
      topMerchants: 1,
    });
    expect(overview.series.map((b) => [b.period_start, b.gross_amount, b.count])).toEqual([
      ['2026-12-01', '10000', 1],
      ['2026-12-02', '0', 0],
      ['2026-12-03', '6614', 1],
    ]);
    expect(overview.totals).toMatchObject({
      gross_amount: '16614',
      fee_amount: String(320 + 198), // 300 JPY is 198.41 cents
      net_amount: String(16_614 - 518),
      fee_rate: '0.0312',
      count: 2,
    });
    expect(overview.previous_totals.gross_amount).toBe('500');
    expect(overview.conversion).toEqual({
      reporting_currency: 'usd',
      rate_table: DEFAULT_FX_RATE_TABLE.version,
      rates: [{ from: 'jpy', to: 'usd', rate: '0.00661376' }],
      unconverted: [{ currency: 'kwd', gross_amount: '5000', count: 2 }],
    });
    expect(overview.payment_methods.map((m) => [m.payment_method, m.gross_amount, m.share_of_gross])).toEqual(
      [
        ['card', '10000', '0.6019'],
        ['wallet', '6614', '0.3981'],
      ],
    );
    expect(
      overview.currencies.map((c) => [c.currency, c.exponent, c.converted_gross_amount, c.share_of_count]),
    ).toEqual([
      ['kwd', 3, null, '0.5000'],
      ['jpy', 0, '6614', '0.2500'],
      ['usd', 2, '10000', '0.2500'],
    ]);
    expect(overview.top_merchants.map((m) => [m.merchant, m.gross_amount])).toEqual([
      ['mer_aaaaaaaa', '10000'],
    ]);
  });

  it('shows one currency as it is, leaving the others out of every figure but the mix', () => {
    const overview = buildOverview({
      rows: {
        series: [
          { ...sums('KWD', 1_234_567n, { refundedMinor: 1_000n, refundCount: 1n }), periodStart: '2026-12' },
          { ...sums('USD', 99n), periodStart: '2026-12' },
        ],
        methods: [],
        currencies: [sums('KWD', 1_234_567n), sums('USD', 99n)],
        merchants: [],
        previous: [],
      },
      denomination: { kind: 'currency', currency: 'KWD' },
      bucketStarts: ['2026-12'],
      topMerchants: 10,
    });
    expect([overview.currency, overview.exponent, overview.conversion]).toEqual(['kwd', 3, null]);
    expect(overview.totals).toMatchObject({
      gross_amount: '1234567',
      net_amount: '1233567',
      refund_rate: '1.0000',
      dispute_rate: '0.0000',
    });
    expect(overview.previous_totals).toMatchObject({ gross_amount: '0', fee_rate: null });
    expect(overview.currencies.map((c) => c.currency)).toEqual(['kwd', 'usd']);
  });
});
