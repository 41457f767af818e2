/** Folds events into a payment's state; an event that cannot follow the state is a corrupted history. */
import type { PaymentEvent } from './events';
import { NO_PAYMENT, isExistingPayment, type Payment, type PaymentState } from './state';
import { PAYMENT_STATUSES, canTransition, type PaymentStatus } from './types';

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

export function evolve(state: PaymentState, event: PaymentEvent): Payment {
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
        underReview: false,
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
    case 'PaymentCanceled': {
      // After partial captures the remainder is released and what was taken stays taken (Stripe).
      const captured = isExistingPayment(state) && state.amountCapturedMinor > 0n;
      return { ...transition(state, event, captured ? 'succeeded' : 'canceled'), pendingAction: null };
    }
    case 'PaymentReviewOpened':
      return { ...stay(state, event, ['processing']), underReview: true };
    case 'PaymentReviewClosed':
      return { ...stay(state, event, ['processing']), underReview: false };
    case 'PaymentFailed':
      return {
        ...transition(state, event, 'failed'),
        pendingAction: null,
        underReview: false,
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
