import { z } from 'zod';
import {
  amountMinorSchema,
  currencySchema,
  merchantIdSchema,
  paymentIdSchema,
  paymentMethodTypeSchema,
  signedAmountMinorSchema,
} from './shared-schemas';

export const accountTypeSchema = z.enum(['asset', 'liability', 'equity', 'revenue', 'expense']);

/** A posting's amount is signed: debits are positive, credits negative, so an entry sums to zero. */
export const postingSchema = z
  .object({
    accountCode: z.string().min(1).max(200),
    accountType: accountTypeSchema,
    currency: currencySchema,
    amountMinor: signedAmountMinorSchema,
  })
  .strict();

export const ledgerEntryPostedSchema = z
  .object({
    entryId: z.string().uuid(),
    sequence: amountMinorSchema,
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    kind: z.enum(['capture']),
    sourceEventId: z.string().uuid(),
    postings: z.array(postingSchema).min(2),
    context: z
      .object({
        merchantId: merchantIdSchema,
        paymentId: paymentIdSchema,
        paymentMethodType: paymentMethodTypeSchema,
        currency: currencySchema,
        grossAmountMinor: amountMinorSchema,
        feeAmountMinor: amountMinorSchema,
        occurredAt: z.string().datetime({ offset: true }),
      })
      .strict(),
  })
  .strict();
