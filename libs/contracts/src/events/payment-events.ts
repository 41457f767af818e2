import { z } from 'zod';
import {
  amountMinorSchema,
  captureIdSchema,
  currencySchema,
  customerSchema,
  disputeIdSchema,
  fxConversionSchema,
  merchantIdSchema,
  paymentIdSchema,
  paymentMethodSchema,
  paymentMethodTypeSchema,
  payoutIdSchema,
  processorNameSchema,
  refundIdSchema,
  reviewIdSchema,
  settlementIdSchema,
  signedAmountMinorSchema,
} from './shared-schemas';

/** Events on payments.events. Payment, refund and dispute events are keyed by payment id. */
export const paymentCreatedSchema = z
  .object({
    paymentId: paymentIdSchema,
    merchantId: merchantIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
    settlementCurrency: currencySchema.optional(),
    captureMethod: z.enum(['automatic', 'manual']),
    paymentMethod: paymentMethodSchema,
    customer: customerSchema.optional(),
  })
  .strict();

export const paymentRequiresActionSchema = z
  .object({
    paymentId: paymentIdSchema,
    action: z.discriminatedUnion('type', [
      z.object({ type: z.literal('three_d_secure'), challengeId: z.string().min(1).max(100) }).strict(),
      z.object({ type: z.literal('qr_code'), qrPayload: z.string().min(1).max(2_000) }).strict(),
      z
        .object({ type: z.literal('bank_transfer'), virtualAccountReference: z.string().min(1).max(100) })
        .strict(),
    ]),
    expiresAt: z.string().datetime({ offset: true }),
  })
  .strict();

const processorOutcomeSchema = z
  .object({
    paymentId: paymentIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
    paymentMethodType: paymentMethodTypeSchema,
    processor: processorNameSchema,
    processorReference: z.string().min(1).max(100),
  })
  .strict();

/** Funds held on the customer's account: the ledger opens a hold for amountMinor. */
export const paymentAuthorizedSchema = processorOutcomeSchema.extend({
  fx: fxConversionSchema.optional(),
});

/**
 * Money taken: amountMinor of the authorization. With final: true the rest of the hold is
 * released at the same time (a partial capture that ends the payment).
 */
export const paymentCapturedSchema = processorOutcomeSchema.extend({
  captureId: captureIdSchema,
  final: z.boolean(),
  fx: fxConversionSchema.optional(),
});

/**
 * Risk asked for a manual review: the payment waits (processing) until the review queue decides.
 * One review per payment; reasons are risk's.
 */
export const paymentReviewOpenedSchema = z
  .object({
    paymentId: paymentIdSchema,
    reviewId: reviewIdSchema,
    score: z.number().int().min(0).max(100),
    reasons: z.array(z.string().min(1).max(100)).max(50),
  })
  .strict();

/** The review queue decided: approved goes on to the processor, declined fails the payment. */
export const paymentReviewClosedSchema = z
  .object({
    paymentId: paymentIdSchema,
    reviewId: reviewIdSchema,
    outcome: z.enum(['approved', 'declined']),
  })
  .strict();

/** An uncaptured authorization ended: by request or by expiry. The hold is released. */
export const paymentCanceledSchema = z
  .object({
    paymentId: paymentIdSchema,
    reason: z.enum(['requested_by_customer', 'duplicate', 'fraudulent', 'abandoned', 'expired']),
    releasedAmountMinor: amountMinorSchema,
    currency: currencySchema,
  })
  .strict();

export const paymentFailureCodeSchema = z.enum([
  'card_declined',
  'insufficient_funds',
  'processor_error',
  'processor_timeout',
  'risk_declined',
  'authentication_failed',
  'authentication_required',
  'action_expired',
  'customer_declined',
  /** Fail-closed: risk did not answer in time, so nothing unscreened reached a processor. */
  'risk_unavailable',
  /** No FX rate from the presentment to the merchant's settlement currency. */
  'currency_not_supported',
]);

export const paymentFailedSchema = z
  .object({
    paymentId: paymentIdSchema,
    failureCode: paymentFailureCodeSchema,
    failureMessage: z.string().max(500),
    processor: processorNameSchema.optional(),
  })
  .strict();

export const refundSucceededSchema = z
  .object({
    refundId: refundIdSchema,
    paymentId: paymentIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
    paymentMethodType: paymentMethodTypeSchema,
    processor: processorNameSchema,
    reason: z.enum(['requested_by_customer', 'duplicate', 'fraudulent']).optional(),
  })
  .strict();

export const refundFailedSchema = z
  .object({
    refundId: refundIdSchema,
    paymentId: paymentIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
    /** charge_disputed: a dispute is open or was lost, so the customer has (or may get) it back. */
    failureCode: z.enum([
      'amount_exceeds_captured',
      'payment_not_captured',
      'processor_error',
      'charge_disputed',
    ]),
  })
  .strict();

/**
 * The processor paid out the captures listed, less the refunds and lost chargebacks it deducted
 * and its fees (keyed by settlement id): net = gross − refunded − chargebacks − fee. A day with
 * more deducted than captured has a negative net: the processor debited the platform's bank.
 * The deductions are optional (an event without them deducts nothing); at least one item.
 */
export const settlementReportedSchema = z
  .object({
    settlementId: settlementIdSchema,
    processor: processorNameSchema,
    currency: currencySchema,
    settlementDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** The sum of the listed captures. */
    grossAmountMinor: amountMinorSchema,
    /** The sum of the listed refunds. */
    refundedAmountMinor: amountMinorSchema.default('0'),
    /** The sum of the listed lost disputes. */
    chargebackAmountMinor: amountMinorSchema.default('0'),
    processorFeeAmountMinor: amountMinorSchema,
    netAmountMinor: signedAmountMinorSchema,
    captureIds: z.array(captureIdSchema).max(10_000),
    refundIds: z.array(refundIdSchema).max(10_000).default([]),
    /** Lost disputes whose chargeback the processor deducted. */
    disputeIds: z.array(disputeIdSchema).max(10_000).default([]),
  })
  .strict()
  .refine((d) => d.captureIds.length + d.refundIds.length + d.disputeIds.length > 0, {
    message: 'a settlement lists at least one capture, refund or dispute',
    path: ['captureIds'],
  });

/**
 * Payouts are keyed by merchant id. payout.requested asks the ledger to reserve the funds from
 * the merchant's available balance (it posts a payout entry or rejects it); once reserved, the
 * bank transfer ends in payout.paid or payout.failed.
 */
export const payoutRequestedSchema = z
  .object({
    payoutId: payoutIdSchema,
    merchantId: merchantIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
  })
  .strict();

export const payoutPaidSchema = z
  .object({
    payoutId: payoutIdSchema,
    merchantId: merchantIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
  })
  .strict();

export const payoutFailedSchema = payoutPaidSchema.extend({
  failureCode: z.enum(['insufficient_balance', 'bank_rejected']),
});

export const disputeOpenedSchema = z
  .object({
    disputeId: disputeIdSchema,
    paymentId: paymentIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
    reason: z.enum(['fraudulent', 'product_not_received', 'duplicate', 'general']),
  })
  .strict();

export const disputeClosedSchema = z
  .object({
    disputeId: disputeIdSchema,
    paymentId: paymentIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
    outcome: z.enum(['won', 'lost']),
  })
  .strict();

/**
 * The payments service refused a command a client sent on payments.commands: the command had no
 * effect. Keyed like the command (payment id, or merchant id for payout.create); causationId is the
 * command's id. aggregateSequence repeats the aggregate's last one (nothing changed), so it orders
 * nothing. Internal commands (risk decisions, timeouts, processor outcomes) never produce it.
 */
export const paymentCommandRejectedSchema = z
  .object({
    commandId: z.string().uuid(),
    commandType: z.enum([
      'payment.create',
      'payment.capture',
      'payment.cancel',
      'payment.resolve_action',
      'refund.create',
      'payout.create',
      'dispute.submit_evidence',
    ]),
    paymentId: paymentIdSchema.optional(),
    /** The decider's rejection code (invalid_state_transition, dispute_not_open, ...) or a processor's. */
    code: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
    message: z.string().max(500),
  })
  .strict();

/** Items of one control report: each list is cut into parts of at most this many. */
export const CONTROL_REPORT_ITEMS_MAX = 1_000;

/**
 * Control totals, on payments.control, keyed by merchant id: every capture, refund and payout payments
 * recorded for one merchant and currency in one window of its own clock (recorded at or after
 * windowStart, before windowEnd), with amounts. The ledger checks each against what it booked, so a
 * movement that never reached it is named, not just a wrong total. A window with many items comes
 * in `parts` reports (part 1..parts), each with its share of the lists.
 */
export const controlTotalsReportedSchema = z
  .object({
    merchantId: merchantIdSchema,
    currency: currencySchema,
    windowStart: z.string().datetime(),
    windowEnd: z.string().datetime(),
    part: z.number().int().min(1),
    parts: z.number().int().min(1),
    captures: z
      .array(
        z
          .object({ captureId: captureIdSchema, paymentId: paymentIdSchema, amountMinor: amountMinorSchema })
          .strict(),
      )
      .max(CONTROL_REPORT_ITEMS_MAX),
    refunds: z
      .array(
        z
          .object({ refundId: refundIdSchema, paymentId: paymentIdSchema, amountMinor: amountMinorSchema })
          .strict(),
      )
      .max(CONTROL_REPORT_ITEMS_MAX),
    payouts: z
      .array(z.object({ payoutId: payoutIdSchema, amountMinor: amountMinorSchema }).strict())
      .max(CONTROL_REPORT_ITEMS_MAX),
  })
  .strict()
  .refine((d) => d.part <= d.parts, { message: 'part is at most parts', path: ['part'] });
