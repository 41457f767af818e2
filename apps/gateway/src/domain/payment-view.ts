import type { AnyEventEnvelope } from '@platform/contracts';

/**
 * The gateway's read model of a payment, as merchants see it (Stripe PaymentIntent statuses),
 * evolved from the payments service's events.
 */

export type PaymentStatus =
  | 'processing'
  | 'requires_capture'
  | 'requires_action'
  | 'succeeded'
  | 'failed'
  | 'canceled';
export type CaptureMethod = 'automatic' | 'manual';

/** Statuses a create request waits for before answering: the payment needs nothing more from us now. */
const SETTLED_STATUSES: ReadonlySet<PaymentStatus> = new Set([
  'succeeded',
  'requires_capture',
  'requires_action',
  'failed',
]);

export function isSettled(status: PaymentStatus): boolean {
  return SETTLED_STATUSES.has(status);
}

/**
 * The conversion into the merchant's settlement currency, from payment.authorized and
 * payment.captured: the authorized amount converted, and the sum of the captures converted.
 */
export interface PaymentFx {
  readonly settlementCurrency: string;
  /** A decimal string, such as "1.0842": never a float. */
  readonly rate: string;
  readonly rateVersion: string;
  readonly authorizedSettlementMinor: bigint | null;
  readonly capturedSettlementMinor: bigint;
}

/**
 * Stripe's cancellation reasons a merchant may give; `automatic` is the platform's own (an
 * authorization that expired uncaptured).
 */
export type CancellationReason =
  | 'duplicate'
  | 'fraudulent'
  | 'requested_by_customer'
  | 'abandoned'
  | 'automatic';

/** A manual review risk opened on the payment: open until the review queue decides it. */
export interface PaymentReview {
  readonly id: string;
  readonly reasons: readonly string[];
  /** ISO timestamps of the payments service's events. */
  readonly openedAt: string;
  readonly closedAt: string | null;
  readonly outcome: 'approved' | 'declined' | null;
}

export interface PaymentViewState {
  readonly status: PaymentStatus;
  readonly captureMethod: CaptureMethod;
  readonly amountCapturedMinor: bigint;
  readonly fx: PaymentFx | null;
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  readonly cancellationReason: CancellationReason | null;
  readonly review: PaymentReview | null;
  /** The payments service's sequence of the last event applied: older or repeated ones are ignored. */
  readonly lastEventSequence: number;
}

/** The state of a payment the gateway has just accepted, before any event about it. */
export function acceptedPaymentView(captureMethod: CaptureMethod): PaymentViewState {
  return {
    status: 'processing',
    captureMethod,
    amountCapturedMinor: 0n,
    fx: null,
    failureCode: null,
    failureMessage: null,
    cancellationReason: null,
    review: null,
    lastEventSequence: 0,
  };
}

/**
 * Applies one event. Returns the new state, or null when the event changes nothing: not about the
 * payment's lifecycle, or not newer than the last one applied (a replay or an out-of-order event).
 */
export function evolvePaymentView(state: PaymentViewState, event: AnyEventEnvelope): PaymentViewState | null {
  if (event.aggregateSequence <= state.lastEventSequence) return null;
  const lastEventSequence = event.aggregateSequence;
  switch (event.type) {
    case 'payment.created':
      return { ...state, lastEventSequence };
    case 'payment.authorized':
      // After an action (3-D Secure, QR, transfer) an automatic payment is back to processing
      // until its capture arrives.
      return {
        ...state,
        status: state.captureMethod === 'manual' ? 'requires_capture' : 'processing',
        fx:
          event.data.fx === undefined
            ? state.fx
            : {
                settlementCurrency: event.data.fx.settlementCurrency,
                rate: event.data.fx.rate,
                rateVersion: event.data.fx.rateVersion,
                authorizedSettlementMinor: BigInt(event.data.fx.settlementAmountMinor),
                capturedSettlementMinor: state.fx?.capturedSettlementMinor ?? 0n,
              },
        lastEventSequence,
      };
    case 'payment.requires_action':
      return { ...state, status: 'requires_action', lastEventSequence };
    case 'payment.captured':
      // Partial captures add up; the final one (or an automatic capture) ends the payment.
      return {
        ...state,
        status: event.data.final ? 'succeeded' : state.status,
        amountCapturedMinor: state.amountCapturedMinor + BigInt(event.data.amountMinor),
        fx:
          event.data.fx === undefined
            ? state.fx
            : {
                settlementCurrency: event.data.fx.settlementCurrency,
                rate: event.data.fx.rate,
                rateVersion: event.data.fx.rateVersion,
                authorizedSettlementMinor: state.fx?.authorizedSettlementMinor ?? null,
                capturedSettlementMinor:
                  (state.fx?.capturedSettlementMinor ?? 0n) + BigInt(event.data.fx.settlementAmountMinor),
              },
        lastEventSequence,
      };
    case 'payment.canceled':
      // After partial captures a cancel releases the rest: what was captured stays, succeeded.
      return {
        ...state,
        status: state.amountCapturedMinor > 0n ? 'succeeded' : 'canceled',
        cancellationReason: event.data.reason === 'expired' ? 'automatic' : event.data.reason,
        lastEventSequence,
      };
    case 'payment.review_opened':
      return {
        ...state,
        review: {
          id: event.data.reviewId,
          reasons: event.data.reasons,
          openedAt: event.occurredAt,
          closedAt: null,
          outcome: null,
        },
        lastEventSequence,
      };
    case 'payment.review_closed':
      return {
        ...state,
        review: {
          id: event.data.reviewId,
          reasons: state.review?.reasons ?? [],
          openedAt: state.review?.openedAt ?? event.occurredAt,
          closedAt: event.occurredAt,
          outcome: event.data.outcome,
        },
        lastEventSequence,
      };
    case 'payment.failed':
      return {
        ...state,
        status: 'failed',
        failureCode: event.data.failureCode,
        failureMessage: event.data.failureMessage,
        lastEventSequence,
      };
    default:
      return null;
  }
}

export type PaymentCommand = 'capture' | 'cancel' | 'refund' | 'resolve_action';

const COMMAND_WORDS: Record<PaymentCommand, string> = {
  capture: 'capture',
  cancel: 'cancel',
  refund: 'refund',
  resolve_action: 'resolve the action of',
};

export interface CommandRefusal {
  readonly status: 400 | 409;
  readonly code: string;
  readonly message: string;
  readonly param?: string;
}

/**
 * Whether the read model allows a capture, cancel or refund now, and for how much. The payments
 * service has the last word; this answers the merchant early and clearly where it can.
 */
export function checkCapture(
  payment: {
    readonly status: PaymentStatus;
    readonly amountMinor: bigint;
    readonly amountCapturedMinor: bigint;
  },
  requestedMinor: bigint | null,
  /** The parameter the amount came in, named by a refusal. */
  param: 'amount' | 'amount_to_capture' = 'amount',
): { ok: true; amountMinor: bigint | null } | { ok: false; refusal: CommandRefusal } {
  if (payment.status !== 'requires_capture') {
    return { ok: false, refusal: unexpectedState('capture', payment.status, 'requires_capture') };
  }
  const capturableMinor = payment.amountMinor - payment.amountCapturedMinor;
  if (requestedMinor !== null && requestedMinor > capturableMinor) {
    return {
      ok: false,
      refusal: {
        status: 400,
        code: 'amount_too_large',
        message: `The amount to capture (${requestedMinor}) exceeds what remains capturable (${capturableMinor}).`,
        param,
      },
    };
  }
  return { ok: true, amountMinor: requestedMinor };
}

/**
 * The amount a capture asks for: `amount_to_capture` (Stripe's name) or `amount`, which must agree
 * when both are given; null when neither is (everything left).
 */
export function captureAmountOf(request: {
  readonly amount?: number;
  readonly amount_to_capture?: number;
}): { ok: true; amountMinor: bigint | null } | { ok: false; refusal: CommandRefusal } {
  const { amount, amount_to_capture: amountToCapture } = request;
  if (amount !== undefined && amountToCapture !== undefined && amount !== amountToCapture) {
    return {
      ok: false,
      refusal: {
        status: 400,
        code: 'parameters_exclusive',
        message: `amount (${amount}) and amount_to_capture (${amountToCapture}) differ; give one of them.`,
        param: 'amount_to_capture',
      },
    };
  }
  const requested = amountToCapture ?? amount;
  return { ok: true, amountMinor: requested === undefined ? null : BigInt(requested) };
}

/** The test helper that plays the customer (or bank) only applies while an action is pending. */
export function checkResolveAction(payment: { readonly status: PaymentStatus }): CommandRefusal | null {
  return payment.status === 'requires_action'
    ? null
    : unexpectedState('resolve_action', payment.status, 'requires_action');
}

export function checkCancel(payment: { readonly status: PaymentStatus }): CommandRefusal | null {
  const cancelable: ReadonlySet<PaymentStatus> = new Set(['requires_capture', 'requires_action']);
  return cancelable.has(payment.status)
    ? null
    : unexpectedState('cancel', payment.status, 'requires_capture or requires_action');
}

/**
 * A refund's amount: the request's, or all that remains; never more than remains refundable, and
 * nothing while a dispute is open or after one was lost (the customer gets or got it back by
 * chargeback: a refund would pay twice).
 */
export function checkRefund(
  payment: {
    readonly status: PaymentStatus;
    readonly amountCapturedMinor: bigint;
    readonly disputed: boolean;
  },
  refundedOrPendingMinor: bigint,
  requestedMinor: bigint | null,
): { ok: true; amountMinor: bigint } | { ok: false; refusal: CommandRefusal } {
  if (payment.disputed) {
    return {
      ok: false,
      refusal: {
        status: 400,
        code: 'charge_disputed',
        message: 'This payment has been disputed (the dispute is open or was lost) and cannot be refunded.',
        param: 'payment',
      },
    };
  }
  if (payment.amountCapturedMinor === 0n) {
    return {
      ok: false,
      refusal: {
        status: 400,
        code: 'charge_not_captured',
        message: `This payment (status ${payment.status}) has no captured funds to refund.`,
        param: 'payment',
      },
    };
  }
  const refundableMinor = payment.amountCapturedMinor - refundedOrPendingMinor;
  if (refundableMinor <= 0n) {
    return {
      ok: false,
      refusal: {
        status: 400,
        code: 'charge_already_refunded',
        message: 'This payment has already been refunded in full.',
        param: 'payment',
      },
    };
  }
  const amountMinor = requestedMinor ?? refundableMinor;
  if (amountMinor > refundableMinor) {
    return {
      ok: false,
      refusal: {
        status: 400,
        code: 'amount_too_large',
        message: `The refund amount (${amountMinor}) exceeds what remains refundable (${refundableMinor}).`,
        param: 'amount',
      },
    };
  }
  return { ok: true, amountMinor };
}

function unexpectedState(command: PaymentCommand, status: PaymentStatus, expected: string): CommandRefusal {
  return {
    status: 409,
    code: 'payment_unexpected_state',
    message: `You cannot ${COMMAND_WORDS[command]} this payment because it has a status of ${status}; it must be ${expected}.`,
  };
}
