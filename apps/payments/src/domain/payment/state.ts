/** A payment's state: the fold of its events (`version` is the aggregate sequence of the last one). */
import type {
  CaptureMethod,
  FailureCode,
  PaymentFx,
  PaymentMethodType,
  PaymentStatus,
  PendingAction,
} from './types';

export interface NoPayment {
  readonly status: 'absent';
  readonly version: 0;
}

export interface Payment {
  readonly status: PaymentStatus;
  /** Aggregate sequence of the last event emitted for this payment. */
  readonly version: number;
  readonly paymentId: string;
  readonly merchantId: string;
  /** The amount asked for, and authorized once the processor accepts it. */
  readonly amountMinor: bigint;
  readonly amountCapturedMinor: bigint;
  readonly amountRefundedMinor: bigint;
  readonly captureCount: number;
  readonly currency: string;
  readonly captureMethod: CaptureMethod;
  readonly paymentMethodType: PaymentMethodType;
  /** Set when the payment settles in another currency: the rate fixed at create. */
  readonly fx: PaymentFx | null;
  readonly processor: string | null;
  readonly processorReference: string | null;
  readonly pendingAction: PendingAction | null;
  /** Held by risk for a manual review that the review queue has not decided yet. */
  readonly underReview: boolean;
  /** At most one dispute per payment, as card networks allow. */
  readonly dispute: {
    readonly disputeId: string;
    readonly amountMinor: bigint;
    readonly status: 'open' | 'won' | 'lost';
  } | null;
  readonly failureCode: FailureCode | null;
  readonly failureMessage: string | null;
}

export type PaymentState = NoPayment | Payment;

export const NO_PAYMENT: NoPayment = Object.freeze({ status: 'absent', version: 0 });

export function isExistingPayment(state: PaymentState): state is Payment {
  return state.status !== 'absent';
}

/** What can still be captured: the authorization less what was captured (0 once it ended). */
export function capturableAmountMinor(state: Payment): bigint {
  return state.status === 'requires_capture' ? state.amountMinor - state.amountCapturedMinor : 0n;
}

/** One review per payment, so its id follows from the payment's. */
export function reviewIdFor(paymentId: string): string {
  return `rev_${paymentId.slice('pay_'.length)}`;
}

/** What can still be refunded: everything captured less everything refunded. */
export function refundableAmountMinor(state: Payment): bigint {
  return state.amountCapturedMinor - state.amountRefundedMinor;
}
