import type { AnyEventEnvelope } from '@platform/contracts';

/**
 * The gateway's read model of a payment, as merchants see it (Stripe PaymentIntent statuses),
 * evolved from the payments service's events.
 */

export type PaymentStatus = 'processing' | 'requires_capture' | 'requires_action' | 'succeeded' | 'failed';
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

export interface PaymentViewState {
  readonly status: PaymentStatus;
  readonly captureMethod: CaptureMethod;
  readonly amountCapturedMinor: bigint;
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  /** The payments service's sequence of the last event applied: older or repeated ones are ignored. */
  readonly lastEventSequence: number;
}

/** The state of a payment the gateway has just accepted, before any event about it. */
export function acceptedPaymentView(captureMethod: CaptureMethod): PaymentViewState {
  return {
    status: 'processing',
    captureMethod,
    amountCapturedMinor: 0n,
    failureCode: null,
    failureMessage: null,
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
      return {
        ...state,
        status: state.captureMethod === 'manual' ? 'requires_capture' : state.status,
        lastEventSequence,
      };
    case 'payment.captured':
      return {
        ...state,
        status: 'succeeded',
        amountCapturedMinor: BigInt(event.data.amountMinor),
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
