import { z } from 'zod';
import { amountMinorSchema, currencySchema, merchantIdSchema } from './shared-schemas';

/** 100 % in basis points: a fee above the whole amount is never a price. */
export const BASIS_POINTS_MAX = 10_000;

/**
 * A merchant's fee in one currency, set by the platform admin at the gateway: basis points of the
 * gross plus a fixed amount in minor units. Keyed by merchant id, so a merchant's changes stay in
 * order. It applies to captures the ledger posts after it applied the event; a capture already
 * posted keeps its fee.
 */
export const merchantPricingSetSchema = z
  .object({
    merchantId: merchantIdSchema,
    currency: currencySchema,
    basisPoints: z.number().int().min(0).max(BASIS_POINTS_MAX),
    fixedAmountMinor: amountMinorSchema,
  })
  .strict();
