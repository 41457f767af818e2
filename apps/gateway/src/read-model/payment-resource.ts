import { nextActionResource, type NextActionResource } from '../domain/next-action';
import type { CancellationReason, CaptureMethod, PaymentReview, PaymentStatus } from '../domain/payment-view';
import type { PaymentCustomer, PaymentEntity } from './payment.entity';

/** A payment as the API shows it (Stripe conventions: snake_case, unix seconds, lower-case currency). */
export interface PaymentResource {
  readonly id: string;
  readonly object: 'payment';
  readonly amount: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  readonly capture_method: CaptureMethod;
  /** The sum of the captures. */
  readonly amount_captured: number;
  /** What a capture can still take: the authorization less what was captured, while requires_capture. */
  readonly amount_capturable: number;
  readonly amount_refunded: number;
  readonly payment_method:
    | {
        readonly type: 'card';
        readonly card: {
          readonly brand: string | null;
          readonly last4: string | null;
          readonly exp_month: number | null;
          readonly exp_year: number | null;
        };
      }
    | { readonly type: 'bank_transfer'; readonly bank_transfer: Record<string, string> }
    | { readonly type: 'wallet'; readonly wallet: Record<string, string> };
  /** While requires_action: what the customer must do (3-D Secure, scan a QR code, transfer to a reference). */
  readonly next_action: NextActionResource | null;
  /** Once authorized in another currency than the merchant settles in: the conversion used. */
  readonly fx: {
    readonly settlement_currency: string;
    /** The captured amount converted once captured, the authorized amount converted before. */
    readonly settlement_amount: number;
    /** A decimal string (never a float): settlement units per presentment unit. */
    readonly exchange_rate: string;
  } | null;
  readonly customer: PaymentCustomer | null;
  readonly description: string | null;
  readonly metadata: Record<string, string>;
  readonly failure_code: string | null;
  readonly failure_message: string | null;
  readonly cancellation_reason: CancellationReason | null;
  readonly review: ReviewResource | null;
  readonly created: number;
  readonly livemode: false;
}

/** A manual review (Stripe's Review, reduced): reason is `rule` while open, then its outcome. */
export interface ReviewResource {
  readonly id: string;
  readonly object: 'review';
  readonly payment: string;
  readonly open: boolean;
  readonly reason: 'rule' | 'approved' | 'declined';
  readonly rules: readonly string[];
  readonly opened_at: number;
  readonly closed_at: number | null;
  readonly outcome: 'approved' | 'declined' | null;
}

export function toReviewResource(paymentId: string, review: PaymentReview): ReviewResource {
  return {
    id: review.id,
    object: 'review',
    payment: paymentId,
    open: review.outcome === null,
    reason: review.outcome ?? 'rule',
    rules: review.reasons,
    opened_at: unixSeconds(review.openedAt),
    closed_at: review.closedAt === null ? null : unixSeconds(review.closedAt),
    outcome: review.outcome,
  };
}

/**
 * What a payment event shows the merchant (GET /v1/events, webhooks): the payment, or for a review
 * event the review, as review.opened / review.closed (Stripe's names).
 */
export function merchantEventOf(type: string, payment: PaymentEntity): { type: string; object: unknown } {
  const review = payment.review;
  if (review !== null && type === 'payment.review_opened') {
    return { type: 'review.opened', object: toReviewResource(payment.id, review) };
  }
  if (review !== null && type === 'payment.review_closed') {
    return { type: 'review.closed', object: toReviewResource(payment.id, review) };
  }
  return { type, object: toPaymentResource(payment) };
}

function unixSeconds(iso: string): number {
  return Math.floor(new Date(iso).getTime() / 1000);
}

/**
 * Minor units as a JSON number, as merchants expect. Accepted amounts are at most 10^12, far
 * inside the exactly representable integers; anything larger is a broken invariant, not a rounding.
 */
export function minorUnitsAsJsonNumber(amountMinor: string): number {
  const amount = BigInt(amountMinor);
  if (amount > BigInt(Number.MAX_SAFE_INTEGER) || amount < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new Error(`amount ${amountMinor} exceeds a safe JSON integer`);
  return Number(amount);
}

export function toPaymentResource(payment: PaymentEntity): PaymentResource {
  return {
    id: payment.id,
    object: 'payment',
    amount: minorUnitsAsJsonNumber(payment.amountMinor),
    currency: payment.currency.toLowerCase(),
    status: payment.status,
    capture_method: payment.captureMethod,
    amount_captured: minorUnitsAsJsonNumber(payment.amountCapturedMinor),
    amount_capturable:
      payment.status === 'requires_capture'
        ? minorUnitsAsJsonNumber(
            (BigInt(payment.amountMinor) - BigInt(payment.amountCapturedMinor)).toString(),
          )
        : 0,
    amount_refunded: minorUnitsAsJsonNumber(payment.amountRefundedMinor),
    payment_method: paymentMethodOf(payment),
    next_action:
      payment.status === 'requires_action' && payment.nextAction !== null
        ? nextActionResource(
            payment.nextAction,
            minorUnitsAsJsonNumber(payment.amountMinor),
            payment.currency,
          )
        : null,
    fx: fxOf(payment),
    customer: payment.customer,
    description: payment.description,
    metadata: payment.metadata,
    failure_code: payment.failureCode,
    failure_message: payment.failureMessage,
    cancellation_reason: payment.cancellationReason,
    review: payment.review === null ? null : toReviewResource(payment.id, payment.review),
    created: Math.floor(payment.createdAt.getTime() / 1000),
    livemode: false,
  };
}

function paymentMethodOf(payment: PaymentEntity): PaymentResource['payment_method'] {
  switch (payment.paymentMethodType) {
    case 'bank_transfer':
      return { type: 'bank_transfer', bank_transfer: payment.paymentMethodDetails ?? {} };
    case 'wallet':
      return { type: 'wallet', wallet: payment.paymentMethodDetails ?? {} };
    case 'card':
      return {
        type: 'card',
        card: {
          brand: payment.cardBrand,
          last4: payment.cardLast4,
          exp_month: payment.cardExpMonth,
          exp_year: payment.cardExpYear,
        },
      };
  }
}

function fxOf(payment: PaymentEntity): PaymentResource['fx'] {
  if (payment.fxSettlementCurrency === null || payment.fxRate === null) return null;
  const capturedMinor = BigInt(payment.fxCapturedSettlementMinor);
  const settlementMinor =
    capturedMinor > 0n || payment.fxAuthorizedSettlementMinor === null
      ? payment.fxCapturedSettlementMinor
      : payment.fxAuthorizedSettlementMinor;
  return {
    settlement_currency: payment.fxSettlementCurrency.toLowerCase(),
    settlement_amount: minorUnitsAsJsonNumber(settlementMinor),
    exchange_rate: payment.fxRate,
  };
}
