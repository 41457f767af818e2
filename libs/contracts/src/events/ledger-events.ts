import { z } from 'zod';
import {
  amountMinorSchema,
  captureIdSchema,
  currencySchema,
  disputeIdSchema,
  fxConversionSchema,
  merchantIdSchema,
  paymentIdSchema,
  paymentMethodTypeSchema,
  payoutIdSchema,
  processorNameSchema,
  refundIdSchema,
  settlementIdSchema,
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

export const ledgerEntryKindSchema = z.enum([
  'authorization_hold',
  'hold_release',
  'capture',
  'refund',
  'settlement',
  'payout',
  'payout_paid',
  'payout_failed',
  'dispute_hold',
  'dispute_won',
  'dispute_lost',
  'reversal',
]);

/** Everything reporting needs about the business event behind an entry; absent ids don't apply. */
export const ledgerEntryContextSchema = z
  .object({
    merchantId: merchantIdSchema.optional(),
    paymentId: paymentIdSchema.optional(),
    captureId: captureIdSchema.optional(),
    refundId: refundIdSchema.optional(),
    payoutId: payoutIdSchema.optional(),
    disputeId: disputeIdSchema.optional(),
    settlementId: settlementIdSchema.optional(),
    paymentMethodType: paymentMethodTypeSchema.optional(),
    processor: processorNameSchema.optional(),
    currency: currencySchema,
    grossAmountMinor: amountMinorSchema,
    feeAmountMinor: amountMinorSchema,
    fx: fxConversionSchema.optional(),
    occurredAt: z.string().datetime({ offset: true }),
  })
  .strict();

/**
 * Keyed by payment id (payout entries by merchant id, settlements by settlement id). The
 * sequence is the ledger's gapless global sequence; hash chains each entry to the previous one.
 */
export const ledgerEntryPostedSchema = z
  .object({
    entryId: z.string().uuid(),
    sequence: amountMinorSchema,
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    kind: ledgerEntryKindSchema,
    sourceEventId: z.string().uuid(),
    reversesEntryId: z.string().uuid().nullable().optional(),
    postings: z.array(postingSchema).min(2),
    context: ledgerEntryContextSchema,
  })
  .strict();

/** The ledger refused to post what an event asked for (a payout above the balance, say). */
export const ledgerEntryRejectedSchema = z
  .object({
    sourceEventId: z.string().uuid(),
    sourceEventType: z.string().min(1).max(100),
    reason: z.enum([
      'insufficient_balance',
      'refund_exceeds_captured',
      'hold_already_resolved',
      'unknown_hold',
      'invalid_amount',
      /** A settlement's totals are not the sums of what it lists (or net ≠ the rest). */
      'settlement_totals_mismatch',
      /** A settlement lists a capture, refund or dispute the ledger never booked. */
      'unknown_settlement_item',
      /** A settlement lists an item of another processor or currency. */
      'settlement_item_mismatch',
      /** A settlement lists an item an earlier settlement already settled. */
      'already_settled',
      /** A settlement deducts a dispute that is still open or was won: nothing was charged back. */
      'dispute_not_lost',
    ]),
    message: z.string().max(500),
    merchantId: merchantIdSchema.optional(),
    paymentId: paymentIdSchema.optional(),
    refundId: refundIdSchema.optional(),
    payoutId: payoutIdSchema.optional(),
    settlementId: settlementIdSchema.optional(),
  })
  .strict();

/** Operators (and reporting's rebuild) ask the ledger to publish its entries again from a sequence. */
export const ledgerRepublishRequestedSchema = z
  .object({
    fromSequence: amountMinorSchema,
    toSequence: amountMinorSchema.optional(),
    requestedBy: z.string().min(1).max(100),
  })
  .strict();
