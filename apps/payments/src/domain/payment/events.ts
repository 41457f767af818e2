/** What happened to a payment, in the past tense; each maps one-to-one onto a contract event. */
import type { DisputeReason, NewPayment } from './commands';
import type {
  CancellationReason,
  FailureCode,
  PaymentFx,
  PaymentMethodType,
  PendingAction,
  RefundFailureCode,
  RefundReason,
} from './types';

export interface PaymentCreated {
  readonly type: 'PaymentCreated';
  readonly data: NewPayment & { readonly fx?: PaymentFx };
}

export interface PaymentRequiresAction {
  readonly type: 'PaymentRequiresAction';
  readonly data: { readonly paymentId: string; readonly processor: string; readonly action: PendingAction };
}

export interface PaymentAuthorized {
  readonly type: 'PaymentAuthorized';
  readonly data: {
    readonly paymentId: string;
    readonly amountMinor: bigint;
    readonly currency: string;
    readonly paymentMethodType: PaymentMethodType;
    readonly processor: string;
    readonly processorReference: string;
    /** The amount in the settlement currency, at the payment's rate (cross-currency payments). */
    readonly fx?: PaymentFx;
  };
}

export interface PaymentCaptured {
  readonly type: 'PaymentCaptured';
  readonly data: PaymentAuthorized['data'] & { readonly captureId: string; readonly final: boolean };
}

export interface PaymentCanceled {
  readonly type: 'PaymentCanceled';
  readonly data: {
    readonly paymentId: string;
    readonly reason: CancellationReason | 'expired';
    readonly releasedAmountMinor: bigint;
    readonly currency: string;
  };
}

/** Risk asked for a manual review: the payment waits, processing, for the review queue. */
export interface PaymentReviewOpened {
  readonly type: 'PaymentReviewOpened';
  readonly data: {
    readonly paymentId: string;
    readonly reviewId: string;
    readonly score: number;
    readonly reasons: readonly string[];
  };
}

export interface PaymentReviewClosed {
  readonly type: 'PaymentReviewClosed';
  readonly data: {
    readonly paymentId: string;
    readonly reviewId: string;
    readonly outcome: 'approved' | 'declined';
  };
}

export interface PaymentFailed {
  readonly type: 'PaymentFailed';
  readonly data: {
    readonly paymentId: string;
    readonly failureCode: FailureCode;
    readonly failureMessage: string;
    readonly processor?: string;
  };
}

export interface RefundSucceeded {
  readonly type: 'RefundSucceeded';
  readonly data: {
    readonly refundId: string;
    readonly paymentId: string;
    readonly amountMinor: bigint;
    readonly currency: string;
    readonly paymentMethodType: PaymentMethodType;
    readonly processor: string;
    readonly reason?: RefundReason;
  };
}

export interface RefundFailed {
  readonly type: 'RefundFailed';
  readonly data: {
    readonly refundId: string;
    readonly paymentId: string;
    readonly amountMinor: bigint;
    readonly currency: string;
    readonly failureCode: RefundFailureCode;
  };
}

export interface DisputeOpened {
  readonly type: 'DisputeOpened';
  readonly data: {
    readonly disputeId: string;
    readonly paymentId: string;
    readonly amountMinor: bigint;
    readonly currency: string;
    readonly reason: DisputeReason;
  };
}

export interface DisputeClosed {
  readonly type: 'DisputeClosed';
  readonly data: {
    readonly disputeId: string;
    readonly paymentId: string;
    readonly amountMinor: bigint;
    readonly currency: string;
    readonly outcome: 'won' | 'lost';
  };
}

export type PaymentEvent =
  | DisputeOpened
  | DisputeClosed
  | PaymentCreated
  | PaymentRequiresAction
  | PaymentAuthorized
  | PaymentCaptured
  | PaymentCanceled
  | PaymentFailed
  | PaymentReviewOpened
  | PaymentReviewClosed
  | RefundSucceeded
  | RefundFailed;
