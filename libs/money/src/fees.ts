import { applyBasisPoints, currencyExponent } from './money';

/**
 * The platform's one fee model, used by the ledger's merchant pricing and by the processors'
 * settlement fees: basis points (1/100 of a percent) of an amount, rounded half away from zero,
 * plus a fixed part, never more than the amount itself (nobody is left owing on a capture).
 */
export function feeOnAmount(amountMinor: bigint, basisPoints: bigint, fixedMinor: bigint): bigint {
  const fee = applyBasisPoints(amountMinor, basisPoints) + fixedMinor;
  return fee > amountMinor ? amountMinor : fee;
}

/**
 * A fixed fee given in hundredths of the major unit, in the currency's minor units: scaled to its
 * exponent and rounded down (30 → 0.30 USD = 30, 0.300 KWD = 300, 0 JPY: 0.30 of a yen is no fee).
 */
export function fixedFeeMinorFromHundredths(hundredths: bigint, currency: string): bigint {
  const exponent = currencyExponent(currency);
  return exponent >= 2 ? hundredths * 10n ** BigInt(exponent - 2) : hundredths / 10n ** BigInt(2 - exponent);
}
