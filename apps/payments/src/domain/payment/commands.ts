/** What can be asked of a payment: each command is decided against the payment's state. */
import type { FxRateTable } from '../fx-conversion';
import type {
  CancellationReason,
  CaptureMethod,
  Customer,
  PaymentMethod,
  PendingAction,
  ProcessorDeclineCode,
  RefundReason,
  RiskDecision,
} from './types';

export interface NewPayment {
  readonly paymentId: string;
  readonly merchantId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly captureMethod: CaptureMethod;
  readonly paymentMethod: PaymentMethod;
  readonly customer?: Customer;
  /** The merchant's settlement currency, when it asked for one. */
  readonly settlementCurrency?: string;
}

export interface CreatePayment {
  readonly type: 'CreatePayment';
  readonly data: NewPayment & {
    /** The rate table in force: a settlement currency other than the payment's is converted with it. */
    readonly fxRates?: FxRateTable;
  };
}

export interface ApplyRiskDecision {
  readonly type: 'ApplyRiskDecision';
  readonly data: {
    readonly decision: RiskDecision;
    readonly score: number;
    readonly reasons: readonly string[];
  };
}

/** No risk assessment arrived in time; the merchant's policy says whether to go on unscreened. */
export interface TimeOutRiskAssessment {
  readonly type: 'TimeOutRiskAssessment';
  readonly data: { readonly policy: 'open' | 'closed' };
}

export type ProcessorOutcome =
  | { readonly outcome: 'authorized'; readonly processor: string; readonly processorReference: string }
  | {
      readonly outcome: 'declined';
      readonly processor: string;
      readonly declineCode: ProcessorDeclineCode;
      readonly message: string;
    }
  | {
      readonly outcome: 'error';
      readonly processor: string;
      readonly failureCode: 'processor_error' | 'processor_timeout';
      readonly message: string;
    }
  | { readonly outcome: 'requires_action'; readonly processor: string; readonly action: PendingAction };

export interface RecordProcessorOutcome {
  readonly type: 'RecordProcessorOutcome';
  readonly data: ProcessorOutcome;
}

/** The customer completed (approved) or failed (declined) the pending action. */
export interface ResolveAction {
  readonly type: 'ResolveAction';
  readonly data: { readonly outcome: 'approved' | 'declined' };
}

export interface Capture {
  readonly type: 'Capture';
  readonly data: {
    readonly captureId: string;
    /** Omitted: everything authorized and not yet captured. */
    readonly amountMinor?: bigint;
    /** A final capture ends the payment and releases what was not captured. */
    readonly final: boolean;
  };
}

export interface Cancel {
  readonly type: 'Cancel';
  readonly data: { readonly reason?: CancellationReason };
}

/** The scheduler found the authorization (or the pending action) past its lifetime. */
export interface Expire {
  readonly type: 'Expire';
  readonly data: Record<string, never>;
}

/** A refund request with the processor's answer (failed before the processor when it cannot be). */
export interface RecordRefund {
  readonly type: 'RecordRefund';
  readonly data: {
    readonly refundId: string;
    readonly amountMinor: bigint;
    readonly reason?: RefundReason;
    readonly outcome: 'succeeded' | 'processor_error';
  };
}

export type DisputeReason = 'fraudulent' | 'product_not_received' | 'duplicate' | 'general';

/** The processor reported a chargeback on a captured payment. */
export interface OpenDispute {
  readonly type: 'OpenDispute';
  readonly data: { readonly disputeId: string; readonly reason: DisputeReason };
}

/** The processor (card network) decided the dispute after the merchant's evidence. */
export interface CloseDispute {
  readonly type: 'CloseDispute';
  readonly data: { readonly disputeId: string; readonly outcome: 'won' | 'lost' };
}

export type PaymentCommand =
  | OpenDispute
  | CloseDispute
  | CreatePayment
  | ApplyRiskDecision
  | TimeOutRiskAssessment
  | RecordProcessorOutcome
  | ResolveAction
  | Capture
  | Cancel
  | Expire
  | RecordRefund;
