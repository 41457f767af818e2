import { CURRENCY_EXPONENTS } from './iso-4217';

/** Largest amount in minor units anywhere (balances included): 18 digits, inside a Postgres bigint. */
export const AMOUNT_MINOR_MAX = 999_999_999_999_999_999n;

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

/** Codes are upper case (ISO); the merchant API's lower-case codes are upper-cased at its edge. */
export function isKnownCurrency(code: string): boolean {
  return CURRENCY_EXPONENTS.has(code);
}

export function currencyExponent(code: string): number {
  const exponent = CURRENCY_EXPONENTS.get(code);
  if (exponent === undefined) throw new MoneyError(`unknown currency ${JSON.stringify(code)}`);
  return exponent;
}

const INTEGER = /^(0|-?[1-9][0-9]*)$/;
const DECIMAL = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** Parses a string of integer minor units ("10000") strictly: no signs but '-', no exponent, no dot. */
export function parseMinorAmount(text: string): bigint {
  if (!INTEGER.test(text))
    throw new MoneyError(`not an integer amount in minor units: ${JSON.stringify(text)}`);
  const amount = BigInt(text);
  if (amount > AMOUNT_MINOR_MAX || amount < -AMOUNT_MINOR_MAX) {
    throw new MoneyError(`amount out of range: ${text}`);
  }
  return amount;
}

/**
 * Parses a decimal major-unit amount ("100.00" USD → 10000n). More decimals than the currency's
 * exponent is an error, never a rounding: "1.5" JPY and "1.234" USD are rejected.
 */
export function parseMajorAmount(text: string, currency: string): bigint {
  const exponent = currencyExponent(currency);
  const match = DECIMAL.exec(text);
  if (match === null) throw new MoneyError(`not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new MoneyError(`${currency} has ${exponent} decimal places, got ${JSON.stringify(text)}`);
  }
  return parseMinorAmount(`${sign}${whole}${fraction.padEnd(exponent, '0')}`.replace(/^(-?)0+(?=\d)/, '$1'));
}

/** Formats minor units as a decimal major-unit string: 10000n USD → "100.00", 5n JPY → "5". */
export function formatMinorAmount(amountMinor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = amountMinor < 0n;
  const digits = (negative ? -amountMinor : amountMinor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

/**
 * amount × basisPoints / 10 000, rounded half away from zero to a whole minor unit.
 * Integer arithmetic only: a fee is never a float.
 */
export function applyBasisPoints(amountMinor: bigint, basisPoints: bigint): bigint {
  const product = amountMinor * basisPoints;
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  const rounded = (magnitude + 5_000n) / 10_000n;
  return negative ? -rounded : rounded;
}

/** Sums amounts; kept here so callers never reach for Number on money. */
export function sumMinor(amounts: Iterable<bigint>): bigint {
  let total = 0n;
  for (const amount of amounts) total += amount;
  return total;
}
