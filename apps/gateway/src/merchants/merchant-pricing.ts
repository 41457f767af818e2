/** A merchant's fee in one currency: basis points of the gross plus a fixed amount in minor units. */
export interface MerchantPricing {
  /** Upper-case ISO 4217. */
  readonly currency: string;
  readonly basisPoints: number;
  readonly fixedAmountMinor: bigint;
}

/** The pricing as the API shows it: lower-case currencies, sorted by currency. */
export interface PricingResource {
  readonly currency: string;
  readonly basis_points: number;
  readonly fixed_amount: number;
}

/** The request's entries (lower-case currencies, amounts as JSON integers) in the stored form. */
export function pricingFromRequest(
  entries: readonly { currency: string; basis_points: number; fixed_amount: number }[],
): MerchantPricing[] {
  return entries.map((entry) => ({
    currency: entry.currency.toUpperCase(),
    basisPoints: entry.basis_points,
    fixedAmountMinor: BigInt(entry.fixed_amount),
  }));
}

/**
 * The entries that change something: a currency not priced yet, or priced differently. Setting
 * the same price again is no change, so it publishes nothing.
 */
export function pricingChanges(
  current: readonly MerchantPricing[],
  requested: readonly MerchantPricing[],
): MerchantPricing[] {
  const byCurrency = new Map(current.map((pricing) => [pricing.currency, pricing]));
  return requested.filter((pricing) => {
    const stored = byCurrency.get(pricing.currency);
    return (
      stored === undefined ||
      stored.basisPoints !== pricing.basisPoints ||
      stored.fixedAmountMinor !== pricing.fixedAmountMinor
    );
  });
}

/** Fixed amounts are bounded by the DTO far below 2^53, so a JSON number holds them exactly. */
export function toPricingResource(pricing: readonly MerchantPricing[]): PricingResource[] {
  return [...pricing]
    .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0))
    .map((entry) => ({
      currency: entry.currency.toLowerCase(),
      basis_points: entry.basisPoints,
      fixed_amount: Number(entry.fixedAmountMinor),
    }));
}
