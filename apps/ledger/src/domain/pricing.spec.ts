import { defaultPricing, feeFor } from './pricing';

describe('defaultPricing', () => {
  it('is 290 bps plus 0.30 scaled to the currency exponent (0 for exponent 0)', () => {
    expect(defaultPricing('USD')).toEqual({ basisPoints: 290n, fixedMinor: 30n });
    expect(defaultPricing('KWD')).toEqual({ basisPoints: 290n, fixedMinor: 300n });
    expect(defaultPricing('CLF')).toEqual({ basisPoints: 290n, fixedMinor: 3_000n });
    expect(defaultPricing('JPY')).toEqual({ basisPoints: 290n, fixedMinor: 0n });
  });

  it('refuses an unknown currency', () => {
    expect(() => defaultPricing('ZZZ')).toThrow(/unknown currency/);
  });
});

describe('feeFor', () => {
  const usd = defaultPricing('USD');

  it('computes 3.20 on 100.00 USD', () => {
    expect(feeFor(10_000n, usd)).toBe(320n);
  });

  it('rounds the percentage half away from zero, in integers', () => {
    // 1 234 × 2.9 % = 35.786 → 36, + 30
    expect(feeFor(1_234n, usd)).toBe(66n);
    // 50 × 1 % = 0.5 → 1
    expect(feeFor(50n, { basisPoints: 100n, fixedMinor: 0n })).toBe(1n);
    // 49 × 1 % = 0.49 → 0
    expect(feeFor(49n, { basisPoints: 100n, fixedMinor: 0n })).toBe(0n);
  });

  it('never exceeds the gross', () => {
    expect(feeFor(10n, usd)).toBe(10n);
    expect(feeFor(30n, usd)).toBe(30n);
    expect(feeFor(31n, usd)).toBe(31n); // 0.899 → 1, + 30 = 31
    expect(feeFor(32n, usd)).toBe(31n);
    expect(feeFor(1n, { basisPoints: 10_000n, fixedMinor: 1_000n })).toBe(1n);
    expect(feeFor(0n, usd)).toBe(0n);
  });

  it('stays exact on amounts beyond 2^53', () => {
    expect(feeFor(999_999_999_999_999n, { basisPoints: 290n, fixedMinor: 0n })).toBe(29_000_000_000_000n);
  });

  it('refuses pricing out of range', () => {
    expect(() => feeFor(100n, { basisPoints: -1n, fixedMinor: 0n })).toThrow(/basis points/);
    expect(() => feeFor(100n, { basisPoints: 10_001n, fixedMinor: 0n })).toThrow(/basis points/);
    expect(() => feeFor(100n, { basisPoints: 1n, fixedMinor: -1n })).toThrow(/fixed fee/);
  });
});
