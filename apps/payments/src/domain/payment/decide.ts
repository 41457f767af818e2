/**
 * The payment lifecycle as a decider (Emmett style): `decide(command, state)` returns the events a
 * command implies or a typed rejection, `evolve(state, event)` (evolve.ts) folds one event into the state.
 * Pure: no I/O, no clock, no Nest, TypeORM or Kafka. The state is always the fold of the events
 * this service emitted for the payment, so `version` equals the aggregate sequence of the last one.
 *
 * Methods: a card authorizes at once (or after 3-D Secure); a bank transfer waits for the customer's
 * bank to pay a virtual account, a wallet for the customer to approve a QR code. Those two are
 * always captured at once, as Stripe does for them: capture_method manual is refused at create.
 */
import { isFxError, quoteFor, settlementAmountFor, type FxError, type FxRateTable } from '../fx-conversion';
import type {
  ApplyRiskDecision,
  Cancel,
  Capture,
  CloseDispute,
  CreatePayment,
  Expire,
  OpenDispute,
  PaymentCommand,
  RecordProcessorOutcome,
  RecordRefund,
  ResolveAction,
  TimeOutRiskAssessment,
} from './commands';
import type { PaymentCanceled, PaymentEvent, RefundFailed } from './events';
import { illegal, reject, type Rejection } from './rejections';
import {
  capturableAmountMinor,
  isExistingPayment,
  refundableAmountMinor,
  reviewIdFor,
  type Payment,
  type PaymentState,
} from './state';
import { ACTION_TYPE_FOR_METHOD, type FailureCode, type PaymentFx, type RefundFailureCode } from './types';

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
  if (state.status !== 'processing' || state.processor !== null || state.underReview) {
    return illegal(command, state);
  }
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
 * A decline fails the payment at once (nothing reaches a processor). Approve emits nothing: the
 * caller authorizes at a processor and records the outcome. Review opens a review and keeps the
 * payment processing until the review queue's decision arrives (accepted as long as no processor
 * was asked yet), which closes the review with its outcome.
 */
function decideRiskDecision(command: ApplyRiskDecision, state: Payment): PaymentEvent[] | Rejection {
  if (state.status !== 'processing' || state.processor !== null) return illegal(command, state);
  const reviewId = reviewIdFor(state.paymentId);
  const closed = (outcome: 'approved' | 'declined'): PaymentEvent[] =>
    state.underReview
      ? [{ type: 'PaymentReviewClosed', data: { paymentId: state.paymentId, reviewId, outcome } }]
      : [];
  switch (command.data.decision) {
    case 'decline':
      return [
        ...closed('declined'),
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
      return closed('approved');
    case 'review':
      // A second review verdict changes nothing: the review is open already.
      if (state.underReview) return [];
      return [
        {
          type: 'PaymentReviewOpened',
          data: {
            paymentId: state.paymentId,
            reviewId,
            score: command.data.score,
            reasons: command.data.reasons,
          },
        },
      ];
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

/**
 * An uncaptured authorization (or a payment waiting for the customer) can be canceled. After
 * partial captures (final: false) a cancel releases the remainder and the payment ends succeeded
 * with what was captured, as Stripe does.
 */
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
