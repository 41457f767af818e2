/** Report arithmetic on integers only: money is never a float, and neither is a rate built from it. */

/** numerator / denominator as a decimal string with `places` digits, rounded half up; null for 0/0. */
export function ratio(numerator: bigint, denominator: bigint, places = 4): string | null {
  if (denominator === 0n) return null;
  if (numerator < 0n || denominator < 0n) throw new RangeError('ratio of negative counts');
  const scale = 10n ** BigInt(places);
  const scaled = (numerator * scale * 2n + denominator) / (denominator * 2n);
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(places, '0');
  return places === 0 ? whole.toString() : `${whole}.${fraction}`;
}

/** Net to the merchant: what was captured, less fees and refunds, all in one (settlement) currency. */
export function netMinor(grossMinor: bigint, feeMinor: bigint, refundedMinor: bigint): bigint {
  return grossMinor - feeMinor - refundedMinor;
}

/** A volume line as summed: presentment amounts, settlement amounts, counts (integer strings). */
export interface VolumeSumsLine {
  period_start: string;
  merchant: string | null;
  currency: string;
  settlement_currency: string;
  payment_method: string | null;
  gross_minor: string;
  refunded_minor: string;
  settlement_gross_minor: string;
  fee_minor: string;
  settlement_refunded_minor: string;
  capture_count: string;
  refund_count: string;
}

/**
 * One row of GET /v1/reports/volume. gross_amount and refunded_amount are in `currency` (what the
 * customer paid in); settlement_gross_amount, fee_amount, settlement_refunded_amount and
 * net_amount in `settlement_currency` (what the merchant is credited in). Nothing adds or
 * subtracts amounts of two currencies; without fx the two currencies and grosses are equal.
 */
export function volumeRowView(line: VolumeSumsLine): Record<string, unknown> {
  const gross = BigInt(line.gross_minor);
  const refunded = BigInt(line.refunded_minor);
  const settlementGross = BigInt(line.settlement_gross_minor);
  const fee = BigInt(line.fee_minor);
  const settlementRefunded = BigInt(line.settlement_refunded_minor);
  const captures = BigInt(line.capture_count);
  const refunds = BigInt(line.refund_count);
  return {
    period_start: line.period_start,
    merchant: line.merchant,
    currency: line.currency.toLowerCase(),
    payment_method: line.payment_method,
    gross_amount: gross.toString(),
    refunded_amount: refunded.toString(),
    settlement_currency: line.settlement_currency.toLowerCase(),
    settlement_gross_amount: settlementGross.toString(),
    fee_amount: fee.toString(),
    settlement_refunded_amount: settlementRefunded.toString(),
    net_amount: netMinor(settlementGross, fee, settlementRefunded).toString(),
    count: Number(captures),
    refund_count: Number(refunds),
    refund_rate: ratio(refunds, captures),
    refunded_amount_rate: ratio(refunded, gross),
  };
}
