import {
  AMOUNT_MINOR_MAX,
  MoneyError,
  applyBasisPoints,
  currencyExponent,
  formatMinorAmount,
  isKnownCurrency,
  parseMajorAmount,
  parseMinorAmount,
  sumMinor,
} from './money';

describe('ISO 4217 exponents', () => {
  it.each([
    ['JPY', 0],
    ['KRW', 0],
    ['USD', 2],
    ['EUR', 2],
    ['KWD', 3],
    ['BHD', 3],
    ['CLF', 4],
  ])('%s has %i decimals', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it('rejects unknown and lower-case codes', () => {
    expect(isKnownCurrency('XYZ')).toBe(false);
    expect(isKnownCurrency('usd')).toBe(false);
    expect(() => currencyExponent('XYZ')).toThrow(MoneyError);
  });
});

describe('parseMajorAmount', () => {
  it.each([
    ['100.00', 'USD', 10_000n],
    ['100', 'USD', 10_000n],
    ['0.5', 'USD', 50n],
    ['1234', 'JPY', 1_234n],
    ['1.234', 'KWD', 1_234n],
    ['-3.20', 'USD', -320n],
    ['0', 'USD', 0n],
  ])('%s %s is %s minor units', (text, currency, expected) => {
    expect(parseMajorAmount(text, currency)).toBe(expected);
  });

  it.each([
    ['1.5', 'JPY'],
    ['1.234', 'USD'],
    ['1.2345', 'KWD'],
    ['1e3', 'USD'],
    ['', 'USD'],
    [' 1', 'USD'],
    ['01', 'USD'],
    ['1.', 'USD'],
    ['NaN', 'USD'],
  ])('rejects %j in %s rather than rounding', (text, currency) => {
    expect(() => parseMajorAmount(text, currency)).toThrow(MoneyError);
  });
});

describe('parseMinorAmount', () => {
  it('parses integers beyond 2^53 exactly', () => {
    expect(parseMinorAmount('900719925474099312')).toBe(900_719_925_474_099_312n);
  });

  it.each(['1.0', '+1', '1e2', '0x10', '', '-0', '00'])('rejects %j', (text) => {
    expect(() => parseMinorAmount(text)).toThrow(MoneyError);
  });

  it('rejects amounts beyond the platform maximum', () => {
    expect(() => parseMinorAmount((AMOUNT_MINOR_MAX + 1n).toString())).toThrow(/out of range/);
  });
});

describe('formatMinorAmount', () => {
  it.each([
    [10_000n, 'USD', '100.00'],
    [5n, 'USD', '0.05'],
    [-320n, 'USD', '-3.20'],
    [1_234n, 'JPY', '1234'],
    [1n, 'KWD', '0.001'],
  ])('%s %s is %s', (amount, currency, expected) => {
    expect(formatMinorAmount(amount, currency)).toBe(expected);
  });

  it('round-trips with parseMajorAmount', () => {
    for (const currency of ['USD', 'JPY', 'KWD', 'CLF']) {
      for (const amount of [0n, 1n, 99n, 100n, 123_456_789n, -42n]) {
        expect(parseMajorAmount(formatMinorAmount(amount, currency), currency)).toBe(amount);
      }
    }
  });
});

describe('applyBasisPoints', () => {
  it('takes 2.9% of 100.00 as 2.90', () => {
    expect(applyBasisPoints(10_000n, 290n)).toBe(290n);
  });

  it('rounds half away from zero', () => {
    expect(applyBasisPoints(50n, 100n)).toBe(1n); // 0.5 → 1
    expect(applyBasisPoints(49n, 100n)).toBe(0n); // 0.49 → 0
    expect(applyBasisPoints(-50n, 100n)).toBe(-1n);
  });

  it('stays exact for amounts beyond 2^53', () => {
    expect(applyBasisPoints(900_719_925_474_099_300n, 10_000n)).toBe(900_719_925_474_099_300n);
  });
});

it('sums bigints', () => {
  expect(sumMinor([1n, 2n, -3n])).toBe(0n);
});
