import { feeOnAmount, fixedFeeMinorFromHundredths } from './fees';

describe('feeOnAmount', () => {
  it('is basis points of the amount plus the fixed part: 2.90 % + 0.30 of 100.00 is 3.20', () => {
    expect(feeOnAmount(10_000n, 290n, 30n)).toBe(320n);
  });

  it('rounds the percentage half away from zero', () => {
    expect(feeOnAmount(50n, 100n, 0n)).toBe(1n);
    expect(feeOnAmount(49n, 100n, 0n)).toBe(0n);
  });

  it('never takes more than the amount itself', () => {
    expect(feeOnAmount(10n, 290n, 30n)).toBe(10n);
    expect(feeOnAmount(0n, 290n, 30n)).toBe(0n);
  });
});

describe('fixedFeeMinorFromHundredths', () => {
  it('scales hundredths of the major unit to the currency exponent, rounding down', () => {
    expect(fixedFeeMinorFromHundredths(30n, 'USD')).toBe(30n);
    expect(fixedFeeMinorFromHundredths(30n, 'KWD')).toBe(300n);
    expect(fixedFeeMinorFromHundredths(30n, 'JPY')).toBe(0n);
    expect(fixedFeeMinorFromHundredths(250n, 'JPY')).toBe(2n);
  });
});
