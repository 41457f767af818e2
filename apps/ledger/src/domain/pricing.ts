import { AMOUNT_MINOR_MAX, feeOnAmount, fixedFeeMinorFromHundredths } from '@platform/money';
import { LedgerRuleError } from './ledger-error';

/** A fee schedule: a percentage in basis points (1/100 of a percent) plus a fixed amount. */
export interface Pricing {
  readonly basisPoints: bigint;
  readonly fixedMinor: bigint;
}

export const DEFAULT_BASIS_POINTS = 290n;
/** 0.30 major units, in hundredths. */
const DEFAULT_FIXED_HUNDREDTHS = 30n;
const BASIS_POINTS_MAX = 10_000n;

/**
 * The default pricing: 2.90 % + 0.30 major units, the fixed part scaled to the currency's exponent
 * (KWD, exponent 3: 0.300 = 300 minor units). For a currency with fewer than 2 decimals the fixed
 * part is 30 × 10^(exponent − 2) rounded down, so 0 for JPY: 0.30 of a yen is not a fee, and
 * "30 yen" would be a different price (0.20 USD) that only an FX rate could justify.
 * A merchant with a pricing of its own (merchant-pricing) pays that instead.
 */
export function defaultPricing(currency: string): Pricing {
  return {
    basisPoints: DEFAULT_BASIS_POINTS,
    fixedMinor: fixedFeeMinorFromHundredths(DEFAULT_FIXED_HUNDREDTHS, currency),
  };
}

export function assertValidPricing(pricing: Pricing): void {
  if (pricing.basisPoints < 0n || pricing.basisPoints > BASIS_POINTS_MAX) {
    throw new LedgerRuleError(
      `basis points must be within 0..${BASIS_POINTS_MAX}, got ${pricing.basisPoints}`,
    );
  }
  if (pricing.fixedMinor < 0n || pricing.fixedMinor > AMOUNT_MINOR_MAX) {
    throw new LedgerRuleError(`fixed fee out of range: ${pricing.fixedMinor}`);
  }
}

/**
 * Fee on a gross amount: gross × basisPoints / 10 000 rounded half away from zero, plus the fixed
 * part, never more than the gross itself (a merchant is never left owing on a capture).
 */
export function feeFor(grossAmountMinor: bigint, pricing: Pricing): bigint {
  assertValidPricing(pricing);
  if (grossAmountMinor < 0n) throw new LedgerRuleError(`negative gross amount ${grossAmountMinor}`);
  return feeOnAmount(grossAmountMinor, pricing.basisPoints, pricing.fixedMinor);
}
