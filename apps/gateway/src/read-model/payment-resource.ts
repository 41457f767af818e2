import { nextActionResource, type NextActionResource } from '../domain/next-action';
import type { CaptureMethod, PaymentStatus } from '../domain/payment-view';
import type { PaymentCustomer, PaymentEntity } from './payment.entity';

/** A payment as the API shows it (Stripe conventions: snake_case, unix seconds, lower-case currency). */
export interface PaymentResource {
  readonly id: string;
  readonly object: 'payment';
  readonly amount: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  readonly capture_method: CaptureMethod;
  readonly amount_captured: number;
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
  readonly created: number;
  readonly livemode: false;
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
