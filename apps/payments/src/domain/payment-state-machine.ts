/**
 * The payment lifecycle as a decider (Emmett style): `decide(command, state)` returns the events a
 * command implies or a typed rejection, `evolve(state, event)` folds one event into the state.
 * Pure: no I/O, no clock, no Nest, TypeORM or Kafka. The state is always the fold of the events
 * this service emitted for the payment, so `version` equals the aggregate sequence of the last one.
 *
 * Methods: a card authorizes at once (or after 3-D Secure); a bank transfer waits for the customer's
 * bank to pay a virtual account, a wallet for the customer to approve a QR code. Those two are
 * always captured at once, as Stripe does for them: capture_method manual is refused at create.
 */
import {
  isFxError,
  quoteFor,
  settlementAmountFor,
  type FxError,
  type FxQuote,
  type FxRateTable,
} from './fx-conversion';

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
  'action_expired',
  'customer_declined',
  'risk_unavailable',
  'currency_not_supported',
];
export type ProcessorDeclineCode = 'card_declined' | 'insufficient_funds';
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

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Events (past tense; each maps one-to-one onto a contract event)
// ---------------------------------------------------------------------------------------------

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
  | RefundSucceeded
  | RefundFailed;

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

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

/** What can still be refunded: everything captured less everything refunded. */
export function refundableAmountMinor(state: Payment): bigint {
  return state.amountCapturedMinor - state.amountRefundedMinor;
}

// ---------------------------------------------------------------------------------------------
// Rejections: an illegal command is a value, never a throw
// ---------------------------------------------------------------------------------------------

export type RejectionCode =
  | 'payment_already_exists'
  | 'payment_not_found'
  | 'invalid_state_transition'
  | 'amount_invalid'
  | 'amount_exceeds_capturable'
  | 'dispute_exists'
  | 'dispute_not_open'
  | 'processor_reference_missing'
  | 'capture_method_unsupported'
  | 'action_required'
  | 'action_mismatch';

export interface Rejection {
  readonly kind: 'rejection';
  readonly code: RejectionCode;
  readonly message: string;
  readonly command: PaymentCommand['type'];
  readonly status: PaymentStatus | 'absent';
}

export function isRejection<T>(result: T | Rejection): result is Rejection {
  return typeof result === 'object' && result !== null && (result as { kind?: unknown }).kind === 'rejection';
}

function reject(
  code: RejectionCode,
  command: PaymentCommand,
  state: PaymentState,
  message: string,
): Rejection {
  return { kind: 'rejection', code, message, command: command.type, status: state.status };
}

function illegal(command: PaymentCommand, state: PaymentState): Rejection {
  return reject(
    'invalid_state_transition',
    command,
    state,
    `${command.type} is not allowed for a payment in status ${state.status}`,
  );
}

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

// ---------------------------------------------------------------------------------------------
// decide
// ---------------------------------------------------------------------------------------------

export const RISK_DECLINED_MESSAGE = 'The payment was declined by risk screening.';
export const AUTHENTICATION_FAILED_MESSAGE = 'The customer did not complete 3-D Secure authentication.';
export const ACTION_EXPIRED_MESSAGE = 'The customer did not complete the required action in time.';
export const CUSTOMER_DECLINED_MESSAGE = 'The customer declined the payment.';
export const RISK_TIMEOUT_MESSAGE =
  'Risk screening did not answer in time and the merchant fails payments closed when it does not.';

export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] | Rejection {
  if (command.type === 'CreatePayment') return decideCreate(command, state);
  if (!isExistingPayment(state)) return reject('payment_not_found', command, state, 'no such payment');
  switch (command.type) {
    case 'ApplyRiskDecision':
      return decideRiskDecision(command, state);
    case 'TimeOutRiskAssessment':
      return decideRiskTimeout(command, state);
    case 'RecordProcessorOutcome':
      return decideProcessorOutcome(command, state);
    case 'ResolveAction':
      return decideResolveAction(command, state);
    case 'Capture':
      return decideCapture(command, state);
    case 'Cancel':
      return decideCancel(command, state);
    case 'Expire':
      return decideExpire(command, state);
    case 'RecordRefund':
      return decideRefund(command, state);
    case 'OpenDispute':
      return decideOpenDispute(command, state);
    case 'CloseDispute':
      return decideCloseDispute(command, state);
  }
}

function decideCreate(command: CreatePayment, state: PaymentState): PaymentEvent[] | Rejection {
  if (isExistingPayment(state)) {
    return reject('payment_already_exists', command, state, `payment ${state.paymentId} already exists`);
  }
  const { fxRates, ...payment } = command.data;
  if (payment.amountMinor <= 0n) {
    return reject('amount_invalid', command, state, 'the amount must be a positive number of minor units');
  }
  if (payment.paymentMethod.type !== 'card' && payment.captureMethod !== 'automatic') {
    return reject(
      'capture_method_unsupported',
      command,
      state,
      `${payment.paymentMethod.type} payments are captured when the customer pays: capture_method must be automatic`,
    );
  }
  const { settlementCurrency, currency, amountMinor } = payment;
  if (settlementCurrency === undefined || settlementCurrency === currency) {
    return [{ type: 'PaymentCreated', data: payment }];
  }
  // A pair the table lacks fails the payment before anything else: it could never settle.
  const fx = conversionFor(
    fxRates ?? { version: 'none', rates: {} },
    amountMinor,
    currency,
    settlementCurrency,
  );
  if (isFxError(fx)) {
    return [
      { type: 'PaymentCreated', data: payment },
      {
        type: 'PaymentFailed',
        data: {
          paymentId: payment.paymentId,
          failureCode: FX_UNAVAILABLE_FAILURE_CODE,
          failureMessage: `The payment cannot settle in ${settlementCurrency}: ${fx.message}.`,
        },
      },
    ];
  }
  return [{ type: 'PaymentCreated', data: { ...payment, fx } }];
}

function conversionFor(
  table: FxRateTable,
  amountMinor: bigint,
  currency: string,
  settlementCurrency: string,
): PaymentFx | FxError {
  const quote = quoteFor(table, currency, settlementCurrency);
  if (isFxError(quote)) return quote;
  const settlementAmountMinor = settlementAmountFor(amountMinor, currency, quote);
  if (isFxError(settlementAmountMinor)) return settlementAmountMinor;
  return { ...quote, settlementAmountMinor };
}

/** A currency pair without a rate: nothing was charged, and the message says which pair. */
export const FX_UNAVAILABLE_FAILURE_CODE: FailureCode = 'currency_not_supported';

/**
 * The deadline for a risk answer passed. Closed fails the payment as risk_unavailable (nothing reached
 * a processor); open emits nothing and the caller authorizes as if approved. Either way the payment
 * no longer waits for risk, so a late risk.assessed is refused by decideRiskDecision.
 */
function decideRiskTimeout(command: TimeOutRiskAssessment, state: Payment): PaymentEvent[] | Rejection {
  if (state.status !== 'processing' || state.processor !== null) return illegal(command, state);
  if (command.data.policy === 'open') return [];
  return [
    {
      type: 'PaymentFailed',
      data: {
        paymentId: state.paymentId,
        failureCode: 'risk_unavailable',
        failureMessage: RISK_TIMEOUT_MESSAGE,
      },
    },
  ];
}

/**
 * A decline fails the payment at once (nothing reaches a processor). Approve and review emit
 * nothing: approve lets the caller authorize at a processor and record the outcome; review keeps
 * the payment processing until a later decision (the review queue) arrives, which is accepted
 * as long as no processor was asked yet.
 */
function decideRiskDecision(command: ApplyRiskDecision, state: Payment): PaymentEvent[] | Rejection {
  if (state.status !== 'processing' || state.processor !== null) return illegal(command, state);
  switch (command.data.decision) {
    case 'decline':
      return [
        {
          type: 'PaymentFailed',
          data: {
            paymentId: state.paymentId,
            failureCode: 'risk_declined',
            failureMessage: RISK_DECLINED_MESSAGE,
          },
        },
      ];
    case 'approve':
    case 'review':
      return [];
  }
}

function decideProcessorOutcome(command: RecordProcessorOutcome, state: Payment): PaymentEvent[] | Rejection {
  const outcome = command.data;
  // A processor answer is expected while processing, or after the customer completed an action.
  const pendingAt = state.status === 'requires_action' ? state.pendingAction : null;
  if (state.status !== 'processing' && pendingAt === null) return illegal(command, state);
  switch (outcome.outcome) {
    case 'authorized':
      // A bank transfer or a wallet payment has no money to authorize before the customer acts.
      if (state.paymentMethodType !== 'card' && pendingAt === null) {
        return reject(
          'action_required',
          command,
          state,
          `a ${state.paymentMethodType} payment is authorized only once the customer completed its action`,
        );
      }
      return [
        {
          type: 'PaymentAuthorized',
          data: {
            paymentId: state.paymentId,
            amountMinor: state.amountMinor,
            currency: state.currency,
            paymentMethodType: state.paymentMethodType,
            processor: outcome.processor,
            processorReference: outcome.processorReference,
            ...(state.fx === null ? {} : { fx: state.fx }),
          },
        },
      ];
    case 'requires_action':
      if (state.status !== 'processing') return illegal(command, state);
      if (outcome.action.type !== ACTION_TYPE_FOR_METHOD[state.paymentMethodType]) {
        return reject(
          'action_mismatch',
          command,
          state,
          `a ${state.paymentMethodType} payment cannot require a ${outcome.action.type} action`,
        );
      }
      return [
        {
          type: 'PaymentRequiresAction',
          data: { paymentId: state.paymentId, processor: outcome.processor, action: outcome.action },
        },
      ];
    case 'declined':
      return [
        {
          type: 'PaymentFailed',
          data: {
            paymentId: state.paymentId,
            failureCode: outcome.declineCode,
            failureMessage: outcome.message,
            processor: outcome.processor,
          },
        },
      ];
    case 'error':
      return [
        {
          type: 'PaymentFailed',
          data: {
            paymentId: state.paymentId,
            failureCode: outcome.failureCode,
            failureMessage: outcome.message,
            processor: outcome.processor,
          },
        },
      ];
  }
}

/**
 * Approved emits nothing: the caller completes the authorization and records its outcome. Declined
 * is a failed 3-D Secure for a card, the customer (or their bank) refusing for the other methods.
 */
function decideResolveAction(command: ResolveAction, state: Payment): PaymentEvent[] | Rejection {
  if (state.status !== 'requires_action' || state.pendingAction === null) return illegal(command, state);
  if (command.data.outcome === 'approved') return [];
  const authentication = state.pendingAction.type === 'three_d_secure';
  return [
    {
      type: 'PaymentFailed',
      data: {
        paymentId: state.paymentId,
        failureCode: authentication ? 'authentication_failed' : 'customer_declined',
        failureMessage: authentication ? AUTHENTICATION_FAILED_MESSAGE : CUSTOMER_DECLINED_MESSAGE,
        ...(state.processor === null ? {} : { processor: state.processor }),
      },
    },
  ];
}

function decideCapture(command: Capture, state: Payment): PaymentEvent[] | Rejection {
  if (state.status !== 'requires_capture') return illegal(command, state);
  if (state.processor === null || state.processorReference === null) {
    return reject(
      'processor_reference_missing',
      command,
      state,
      'an authorized payment has no processor reference',
    );
  }
  const capturable = capturableAmountMinor(state);
  const amountMinor = command.data.amountMinor ?? capturable;
  if (amountMinor <= 0n) {
    return reject('amount_invalid', command, state, 'the capture amount must be positive');
  }
  if (amountMinor > capturable) {
    return reject(
      'amount_exceeds_capturable',
      command,
      state,
      `${amountMinor} exceeds the ${capturable} minor units left to capture`,
    );
  }
  // Each capture is converted at the payment's rate; the whole authorization keeps its figure.
  let fx: PaymentFx | undefined;
  if (state.fx !== null) {
    const settlementAmountMinor =
      amountMinor === state.amountMinor
        ? state.fx.settlementAmountMinor
        : settlementAmountFor(amountMinor, state.currency, state.fx);
    if (isFxError(settlementAmountMinor)) {
      return reject('amount_invalid', command, state, settlementAmountMinor.message);
    }
    fx = { ...state.fx, settlementAmountMinor };
  }
  return [
    {
      type: 'PaymentCaptured',
      data: {
        paymentId: state.paymentId,
        amountMinor,
        currency: state.currency,
        paymentMethodType: state.paymentMethodType,
        processor: state.processor,
        processorReference: state.processorReference,
        captureId: command.data.captureId,
        // Capturing everything that is left ends the payment whatever the caller said.
        final: command.data.final || amountMinor === capturable,
        ...(fx === undefined ? {} : { fx }),
      },
    },
  ];
}

function canceled(state: Payment, reason: PaymentCanceled['data']['reason']): PaymentCanceled {
  return {
    type: 'PaymentCanceled',
    data: {
      paymentId: state.paymentId,
      reason,
      releasedAmountMinor: capturableAmountMinor(state),
      currency: state.currency,
    },
  };
}

/** An uncaptured authorization (or a payment waiting for the customer) can be canceled. */
function decideCancel(command: Cancel, state: Payment): PaymentEvent[] | Rejection {
  if (state.status !== 'requires_capture' && state.status !== 'requires_action') {
    return illegal(command, state);
  }
  return [canceled(state, command.data.reason ?? 'requested_by_customer')];
}

/** An authorization past its lifetime is canceled (expired); a pending action past its own fails. */
function decideExpire(command: Expire, state: Payment): PaymentEvent[] | Rejection {
  switch (state.status) {
    case 'requires_capture':
      return [canceled(state, 'expired')];
    case 'requires_action':
      return [
        {
          type: 'PaymentFailed',
          data: {
            paymentId: state.paymentId,
            failureCode: 'action_expired',
            failureMessage: ACTION_EXPIRED_MESSAGE,
            ...(state.processor === null ? {} : { processor: state.processor }),
          },
        },
      ];
    default:
      return illegal(command, state);
  }
}

/**
 * A refund is an object of its own that the merchant awaits, so a refund that cannot be made is
 * answered with RefundFailed (and a code) rather than a silent rejection.
 */
function decideRefund(command: RecordRefund, state: Payment): PaymentEvent[] | Rejection {
  const { refundId, amountMinor, reason, outcome } = command.data;
  const failed = (failureCode: RefundFailureCode): RefundFailed[] => [
    {
      type: 'RefundFailed',
      data: { refundId, paymentId: state.paymentId, amountMinor, currency: state.currency, failureCode },
    },
  ];
  if (state.amountCapturedMinor === 0n || state.processor === null) return failed('payment_not_captured');
  // An open dispute may return the money by chargeback, a lost one did: a refund would pay twice.
  if (state.dispute !== null && state.dispute.status !== 'won') return failed('charge_disputed');
  // Zero only when the amount was omitted and nothing is left to refund.
  if (amountMinor <= 0n || amountMinor > refundableAmountMinor(state))
    return failed('amount_exceeds_captured');
  if (outcome === 'processor_error') return failed('processor_error');
  return [
    {
      type: 'RefundSucceeded',
      data: {
        refundId,
        paymentId: state.paymentId,
        amountMinor,
        currency: state.currency,
        paymentMethodType: state.paymentMethodType,
        processor: state.processor,
        ...(reason === undefined ? {} : { reason }),
      },
    },
  ];
}

/** A dispute holds what was captured and not refunded: what the customer can still claim. */
function decideOpenDispute(command: OpenDispute, state: Payment): PaymentEvent[] | Rejection {
  if (state.dispute !== null)
    return reject('dispute_exists', command, state, 'the payment was disputed already');
  const amountMinor = refundableAmountMinor(state);
  if (amountMinor <= 0n) return illegal(command, state);
  return [
    {
      type: 'DisputeOpened',
      data: {
        disputeId: command.data.disputeId,
        paymentId: state.paymentId,
        amountMinor,
        currency: state.currency,
        reason: command.data.reason,
      },
    },
  ];
}

function decideCloseDispute(command: CloseDispute, state: Payment): PaymentEvent[] | Rejection {
  const { dispute } = state;
  if (dispute?.status !== 'open' || dispute.disputeId !== command.data.disputeId) {
    return reject('dispute_not_open', command, state, `no open dispute ${command.data.disputeId}`);
  }
  return [
    {
      type: 'DisputeClosed',
      data: {
        disputeId: dispute.disputeId,
        paymentId: state.paymentId,
        amountMinor: dispute.amountMinor,
        currency: state.currency,
        outcome: command.data.outcome,
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// evolve
// ---------------------------------------------------------------------------------------------

/** Thrown only for an event that cannot follow the state: a corrupted history, not a user error. */
export class PaymentHistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentHistoryError';
  }
}

function transition(state: PaymentState, event: PaymentEvent, to: PaymentStatus): Payment {
  if (!isExistingPayment(state)) throw new PaymentHistoryError(`${event.type} before PaymentCreated`);
  if (!canTransition(state.status, to)) {
    throw new PaymentHistoryError(`${event.type} cannot move a payment from ${state.status} to ${to}`);
  }
  return { ...state, status: to, version: state.version + 1 };
}

/** An event that keeps the status (a partial capture, a refund). */
function stay(state: PaymentState, event: PaymentEvent, allowed: readonly PaymentStatus[]): Payment {
  if (!isExistingPayment(state)) throw new PaymentHistoryError(`${event.type} before PaymentCreated`);
  if (!allowed.includes(state.status)) {
    throw new PaymentHistoryError(`${event.type} cannot follow a payment in status ${state.status}`);
  }
  return { ...state, version: state.version + 1 };
}

export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentCreated': {
      if (isExistingPayment(state)) throw new PaymentHistoryError('PaymentCreated for an existing payment');
      const { data } = event;
      return {
        status: 'processing',
        version: 1,
        paymentId: data.paymentId,
        merchantId: data.merchantId,
        amountMinor: data.amountMinor,
        amountCapturedMinor: 0n,
        amountRefundedMinor: 0n,
        captureCount: 0,
        currency: data.currency,
        captureMethod: data.captureMethod,
        paymentMethodType: data.paymentMethod.type,
        fx: data.fx ?? null,
        processor: null,
        processorReference: null,
        pendingAction: null,
        dispute: null,
        failureCode: null,
        failureMessage: null,
      };
    }
    case 'PaymentRequiresAction':
      return {
        ...transition(state, event, 'requires_action'),
        processor: event.data.processor,
        pendingAction: event.data.action,
      };
    case 'PaymentAuthorized':
      return {
        ...transition(state, event, 'requires_capture'),
        processor: event.data.processor,
        processorReference: event.data.processorReference,
        pendingAction: null,
      };
    case 'PaymentCaptured': {
      const next = event.data.final
        ? transition(state, event, 'succeeded')
        : stay(state, event, ['requires_capture']);
      return {
        ...next,
        amountCapturedMinor: next.amountCapturedMinor + event.data.amountMinor,
        captureCount: next.captureCount + 1,
      };
    }
    case 'PaymentCanceled':
      return { ...transition(state, event, 'canceled'), pendingAction: null };
    case 'PaymentFailed':
      return {
        ...transition(state, event, 'failed'),
        pendingAction: null,
        ...(event.data.processor === undefined ? {} : { processor: event.data.processor }),
        failureCode: event.data.failureCode,
        failureMessage: event.data.failureMessage,
      };
    case 'RefundSucceeded': {
      const next = stay(state, event, ['succeeded', 'requires_capture']);
      return { ...next, amountRefundedMinor: next.amountRefundedMinor + event.data.amountMinor };
    }
    case 'RefundFailed':
      return stay(state, event, PAYMENT_STATUSES);
    case 'DisputeOpened':
      return {
        ...stay(state, event, ['succeeded', 'requires_capture']),
        dispute: { disputeId: event.data.disputeId, amountMinor: event.data.amountMinor, status: 'open' },
      };
    case 'DisputeClosed': {
      const next = stay(state, event, PAYMENT_STATUSES);
      if (next.dispute === null) throw new PaymentHistoryError('DisputeClosed without a dispute');
      return { ...next, dispute: { ...next.dispute, status: event.data.outcome } };
    }
  }
}

/** Folds a history into a state (what a rebuild from payment_events does). */
export function replay(events: readonly PaymentEvent[], initial: PaymentState = NO_PAYMENT): PaymentState {
  return events.reduce(evolve, initial);
}

/** Applies a command: the events it emits and the state after them, or the rejection. */
export function handleCommand(
  command: PaymentCommand,
  state: PaymentState,
): { readonly events: PaymentEvent[]; readonly state: PaymentState } | Rejection {
  const result = decide(command, state);
  if (isRejection(result)) return result;
  return { events: result, state: replay(result, state) };
}
