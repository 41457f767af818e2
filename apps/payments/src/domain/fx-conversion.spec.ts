import {
  DEFAULT_FX_RATE_TABLE,
  convertMinor,
  isFxError,
  quoteFor,
  rateTableProblems,
  settlementAmountFor,
} from './fx-conversion';

describe('convertMinor', () => {
  it.each([
    // amount, from, to, rate, expected: the exponents differ (JPY 0, USD 2, KWD 3)
    [10_000n, 'USD', 'JPY', '151.2', 15_120n], // 100.00 USD → 15 120 JPY
    [10_000n, 'JPY', 'USD', '0.00661376', 6_614n], // 10 000 JPY → 66.1376 USD → 66.14
    [1n, 'JPY', 'USD', '0.00661376', 1n], // 0.661 cent rounds up
    [10_000n, 'EUR', 'USD', '1.0842', 10_842n],
    [3_333n, 'EUR', 'USD', '1.0842', 3_614n], // 36.136386 → 36.14
    [10_000n, 'USD', 'KWD', '0.3075', 30_750n], // 100.00 USD → 30.750 KWD
    [30_750n, 'KWD', 'USD', '3.252', 10_000n], // 30.750 KWD → 99.999 USD → 100.00
  ] as const)('%p %s → %s at %s is %p', (amount, from, to, rate, expected) => {
    expect(convertMinor(amount, from, to, rate)).toBe(expected);
  });

  it('rounds half away from zero', () => {
    // 1.25 USD × 0.5 = 0.625 EUR → 0.63 (half up), never banker's 0.62.
    expect(convertMinor(125n, 'USD', 'EUR', '0.5')).toBe(63n);
    expect(convertMinor(-125n, 'USD', 'EUR', '0.5')).toBe(-63n);
    // 0.005 below the half rounds down.
    expect(convertMinor(124n, 'USD', 'EUR', '0.5')).toBe(62n);
  });

  it('stays exact above 2^53, where a float would not', () => {
    expect(convertMinor(900_000_000_000_000_001n, 'USD', 'EUR', '1')).toBe(900_000_000_000_000_001n);
  });

  it('refuses a rate that is not a decimal string', () => {
    expect(() => convertMinor(100n, 'USD', 'EUR', '1e3')).toThrow(RangeError);
    expect(() => convertMinor(100n, 'USD', 'EUR', '-1')).toThrow(RangeError);
  });
});

describe('quoteFor', () => {
  const table = { version: 'v7', rates: { 'EUR:USD': '1.0842' } };

  it('quotes a listed pair with the table version', () => {
    expect(quoteFor(table, 'EUR', 'USD')).toEqual({
      settlementCurrency: 'USD',
      rate: '1.0842',
      rateVersion: 'v7',
    });
  });

  it('rejects an unknown pair: no inverse is derived', () => {
    const quote = quoteFor(table, 'USD', 'EUR');
    expect(isFxError(quote) && quote.code).toBe('pair_not_in_table');
  });

  it('rejects the same currency and an unknown currency', () => {
    const same = quoteFor(table, 'EUR', 'EUR');
    expect(isFxError(same) && same.code).toBe('same_currency');
    const unknown = quoteFor(table, 'EUR', 'XYZ');
    expect(isFxError(unknown) && unknown.code).toBe('unknown_currency');
  });
});

describe('settlementAmountFor', () => {
  it('refuses an amount that converts to nothing', () => {
    const result = settlementAmountFor(1n, 'JPY', {
      settlementCurrency: 'KWD',
      rate: '0.0000001',
      rateVersion: 'v',
    });
    expect(isFxError(result) && result.code).toBe('amount_out_of_range');
  });
});

describe('the default rate table', () => {
  it('is valid and covers every pair of its currencies both ways', () => {
    expect(rateTableProblems(DEFAULT_FX_RATE_TABLE)).toEqual([]);
    const currencies = ['USD', 'EUR', 'GBP', 'JPY', 'CNY', 'SGD', 'HKD', 'AUD'];
    for (const from of currencies) {
      for (const to of currencies) {
        if (from !== to) expect(DEFAULT_FX_RATE_TABLE.rates[`${from}:${to}`]).toMatch(/^[0-9.]+$/);
      }
    }
  });

  it('reports malformed pairs and rates', () => {
    expect(
      rateTableProblems({
        version: 'v',
        rates: { EURUSD: '1', 'EUR:EUR': '1', 'EUR:XYZ': '1', 'EUR:GBP': '0.0', 'USD:GBP': '1.2.3' },
      }),
    ).toHaveLength(5);
  });
});
