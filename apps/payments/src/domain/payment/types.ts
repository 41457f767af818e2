/** The payment's vocabulary: statuses and the transitions between them, methods, codes and reasons. */
import type { FxQuote } from '../fx-conversion';

/** Stripe PaymentIntent statuses. */
export const PAYMENT_STATUSES = [
  'processing',
  'requires_action',
  'requires_capture',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Every status change the lifecycle allows; anything else is `invalid_state_transition`. */
export const ALLOWED_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = Object.freeze({
  processing: ['requires_action', 'requires_capture', 'failed', 'canceled'],
  requires_action: ['requires_capture', 'failed', 'canceled'],
  requires_capture: ['succeeded', 'canceled'],
  succeeded: [],
  failed: [],
  canceled: [],
});

export type CaptureMethod = 'automatic' | 'manual';
export type FailureCode =
  | 'card_declined'
  | 'insufficient_funds'
  | 'processor_error'
  | 'processor_timeout'
  | 'risk_declined'
  | 'authentication_failed'
  | 'authentication_required'
  | 'action_expired'
  | 'customer_declined'
  | 'risk_unavailable'
  | 'currency_not_supported';
export const FAILURE_CODES: readonly FailureCode[] = [
  'card_declined',
  'insufficient_funds',
  'processor_error',
  'processor_timeout',
  'risk_declined',
  'authentication_failed',
  'authentication_required',
  'action_expired',
  'customer_declined',
  'risk_unavailable',
  'currency_not_supported',
];
export type ProcessorDeclineCode = 'card_declined' | 'insufficient_funds' | 'authentication_required';
export type RiskDecision = 'approve' | 'review' | 'decline';
export type CancellationReason = 'requested_by_customer' | 'duplicate' | 'fraudulent' | 'abandoned';
export type RefundReason = 'requested_by_customer' | 'duplicate' | 'fraudulent';
export type RefundFailureCode =
  | 'amount_exceeds_captured'
  | 'payment_not_captured'
  | 'processor_error'
  | 'charge_disputed';

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'unionpay' | 'jcb' | 'discover' | 'unknown';

/** A card as payments knows it: a vault token and display data, never the card number. */
export interface CardDetails {
  readonly token: string;
  readonly brand: CardBrand;
  readonly bin: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly fingerprint: string;
  readonly country?: string;
}

export interface CardPaymentMethod {
  readonly type: 'card';
  readonly card: CardDetails;
}

/** Paid by the customer's bank into a virtual account; the funds arrive asynchronously. */
export interface BankTransferPaymentMethod {
  readonly type: 'bank_transfer';
  readonly bankTransfer: { readonly country: string };
}

/** Approved by the customer in a wallet app after scanning a QR code. */
export interface WalletPaymentMethod {
  readonly type: 'wallet';
  readonly wallet: { readonly provider: 'alipay' | 'wechat_pay' };
}

export type PaymentMethod = CardPaymentMethod | BankTransferPaymentMethod | WalletPaymentMethod;
export type PaymentMethodType = PaymentMethod['type'];

export interface Customer {
  readonly id?: string;
  readonly email?: string;
  readonly ip?: string;
  readonly country?: string;
}

/**
 * What the customer must do before the payment goes on: pass 3-D Secure (cards), approve a QR code
 * (wallets), or have their bank pay a virtual account (bank transfers). expiresAt is an ISO
 * timestamp chosen by the caller (the decider has no clock).
 */
export type PendingAction =
  | { readonly type: 'three_d_secure'; readonly challengeId: string; readonly expiresAt: string }
  | { readonly type: 'qr_code'; readonly qrPayload: string; readonly expiresAt: string }
  | { readonly type: 'bank_transfer'; readonly virtualAccountReference: string; readonly expiresAt: string };

/** The only action each method can ask for. */
export const ACTION_TYPE_FOR_METHOD: Readonly<Record<PaymentMethodType, PendingAction['type']>> =
  Object.freeze({ card: 'three_d_secure', bank_transfer: 'bank_transfer', wallet: 'qr_code' });

/** A conversion into the merchant's settlement currency, with the settled amount it gives. */
export interface PaymentFx extends FxQuote {
  readonly settlementAmountMinor: bigint;
}

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}
