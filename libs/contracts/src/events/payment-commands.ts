import { z } from 'zod';
import {
  amountMinorSchema,
  currencySchema,
  customerSchema,
  disputeIdSchema,
  merchantIdSchema,
  metadataSchema,
  paymentIdSchema,
  paymentMethodSchema,
  payoutIdSchema,
  refundIdSchema,
} from './shared-schemas';

/** Commands travel on payments.commands, keyed by payment id (payouts by merchant id). */
export const createPaymentCommandSchema = z
  .object({
    paymentId: paymentIdSchema,
    merchantId: merchantIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
    /** The merchant's settlement currency when it differs from the presentment currency. */
    settlementCurrency: currencySchema.optional(),
    captureMethod: z.enum(['automatic', 'manual']),
    paymentMethod: paymentMethodSchema,
    /** Merchant-initiated with a saved method, the customer absent: no one can pass 3-D Secure. */
    offSession: z.boolean().optional(),
    customer: customerSchema.optional(),
    description: z.string().max(1000).optional(),
    metadata: metadataSchema,
  })
  .strict();

/**
 * Capture all (amount omitted) or part of an authorization. final (absent: true) releases the rest;
 * final: false leaves it capturable by a later capture.
 */
export const capturePaymentCommandSchema = z
  .object({
    paymentId: paymentIdSchema,
    amountMinor: amountMinorSchema.optional(),
    final: z.boolean().optional(),
  })
  .strict();

export const cancelPaymentCommandSchema = z
  .object({
    paymentId: paymentIdSchema,
    reason: z.enum(['requested_by_customer', 'duplicate', 'fraudulent', 'abandoned']).optional(),
  })
  .strict();

/** The simulated customer (or bank) completes or fails a pending action: 3-D Secure, QR, transfer. */
export const resolvePaymentActionCommandSchema = z
  .object({ paymentId: paymentIdSchema, outcome: z.enum(['approved', 'declined']) })
  .strict();

export const createRefundCommandSchema = z
  .object({
    refundId: refundIdSchema,
    paymentId: paymentIdSchema,
    /** Omitted: everything captured and not yet refunded. */
    amountMinor: amountMinorSchema.optional(),
    reason: z.enum(['requested_by_customer', 'duplicate', 'fraudulent']).optional(),
  })
  .strict();

export const createPayoutCommandSchema = z
  .object({
    payoutId: payoutIdSchema,
    merchantId: merchantIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
  })
  .strict();

export const submitDisputeEvidenceCommandSchema = z
  .object({ disputeId: disputeIdSchema, paymentId: paymentIdSchema, evidence: z.string().min(1).max(10_000) })
  .strict();
