/**
 * The payment lifecycle as a decider (Emmett style): `decide(command, state)` returns the events a
 * command implies or a typed rejection, `evolve(state, event)` folds one event into the state.
 * Pure: no I/O, no clock, no Nest, TypeORM or Kafka. The state is always the fold of the events
 * this service emitted for the payment, so `version` equals the aggregate sequence of the last one.
 */

/** Stripe PaymentIntent statuses this platform uses (requires_action and canceled come later). */
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
  requires_action: ['processing', 'failed', 'canceled'],
  requires_capture: ['succeeded', 'canceled'],
  succeeded: [],
  failed: [],
  canceled: [],
});

export type CaptureMethod = 'automatic' | 'manual';
export type FailureCode = 'card_declined' | 'insufficient_funds' | 'processor_error' | 'risk_declined';
export type ProcessorDeclineCode = 'card_declined' | 'insufficient_funds';
export type RiskDecision = 'approve' | 'review' | 'decline';

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
}

export interface CardPaymentMethod {
  readonly type: 'card';
  readonly card: CardDetails;
}

export interface Customer {
  readonly id?: string;
  readonly email?: string;
  readonly ip?: string;
  readonly country?: string;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

export interface CreatePayment {
  readonly type: 'CreatePayment';
  readonly data: {
    readonly paymentId: string;
    readonly merchantId: string;
    readonly amountMinor: bigint;
    readonly currency: string;
    readonly captureMethod: CaptureMethod;
    readonly paymentMethod: CardPaymentMethod;
    readonly customer?: Customer;
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

export type ProcessorOutcome =
  | { readonly outcome: 'authorized'; readonly processor: string; readonly processorReference: string }
  | {
      readonly outcome: 'declined';
      readonly processor: string;
      readonly declineCode: ProcessorDeclineCode;
      readonly message: string;
    }
  | { readonly outcome: 'error'; readonly processor: string; readonly message: string };

export interface RecordProcessorOutcome {
  readonly type: 'RecordProcessorOutcome';
  readonly data: ProcessorOutcome;
}

export interface Capture {
  readonly type: 'Capture';
  /** Full capture for now; partial capture (amountToCaptureMinor) comes with the capture API. */
  readonly data: Record<string, never>;
}

export type PaymentCommand = CreatePayment | ApplyRiskDecision | RecordProcessorOutcome | Capture;

// ---------------------------------------------------------------------------------------------
// Events (past tense; each maps one-to-one onto a contract event)
// ---------------------------------------------------------------------------------------------

export interface PaymentCreated {
  readonly type: 'PaymentCreated';
  readonly data: CreatePayment['data'];
}

export interface PaymentAuthorized {
  readonly type: 'PaymentAuthorized';
  readonly data: {
    readonly paymentId: string;
    readonly amountMinor: bigint;
    readonly currency: string;
    readonly paymentMethodType: 'card';
    readonly processor: string;
    readonly processorReference: string;
  };
}

export interface PaymentCaptured {
  readonly type: 'PaymentCaptured';
  readonly data: PaymentAuthorized['data'];
}

export interface PaymentFailed {
  readonly type: 'PaymentFailed';
  readonly data: {
    readonly paymentId: string;
    readonly failureCode: FailureCode;
    readonly failureMessage: string;
  };
}

export type PaymentEvent = PaymentCreated | PaymentAuthorized | PaymentCaptured | PaymentFailed;

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
  readonly amountMinor: bigint;
  readonly amountCapturedMinor: bigint;
  readonly currency: string;
  readonly captureMethod: CaptureMethod;
  readonly paymentMethodType: 'card';
  readonly processor: string | null;
  readonly processorReference: string | null;
  readonly failureCode: FailureCode | null;
  readonly failureMessage: string | null;
}

export type PaymentState = NoPayment | Payment;

export const NO_PAYMENT: NoPayment = Object.freeze({ status: 'absent', version: 0 });

export function isExistingPayment(state: PaymentState): state is Payment {
  return state.status !== 'absent';
}

// ---------------------------------------------------------------------------------------------
// Rejections: an illegal command is a value, never a throw
// ---------------------------------------------------------------------------------------------

export type RejectionCode =
  | 'payment_already_exists'
  | 'payment_not_found'
  | 'invalid_state_transition'
  | 'amount_invalid'
  | 'processor_reference_missing';

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

export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] | Rejection {
  switch (command.type) {
    case 'CreatePayment':
      return decideCreate(command, state);
    case 'ApplyRiskDecision':
      return decideRiskDecision(command, state);
    case 'RecordProcessorOutcome':
      return decideProcessorOutcome(command, state);
    case 'Capture':
      return decideCapture(command, state);
  }
}

function decideCreate(command: CreatePayment, state: PaymentState): PaymentEvent[] | Rejection {
  if (isExistingPayment(state)) {
    return reject('payment_already_exists', command, state, `payment ${state.paymentId} already exists`);
  }
  if (command.data.amountMinor <= 0n) {
    return reject('amount_invalid', command, state, 'the amount must be a positive number of minor units');
  }
  return [{ type: 'PaymentCreated', data: command.data }];
}

/**
 * A decline fails the payment at once (nothing reaches a processor). Approve and review emit
 * nothing: approve lets the caller authorize at a processor and record the outcome; review keeps
 * the payment processing until the review queue (a later issue) decides.
 */
function decideRiskDecision(command: ApplyRiskDecision, state: PaymentState): PaymentEvent[] | Rejection {
  if (!isExistingPayment(state)) return reject('payment_not_found', command, state, 'no such payment');
  if (state.status !== 'processing') return illegal(command, state);
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

function decideProcessorOutcome(
  command: RecordProcessorOutcome,
  state: PaymentState,
): PaymentEvent[] | Rejection {
  if (!isExistingPayment(state)) return reject('payment_not_found', command, state, 'no such payment');
  if (state.status !== 'processing') return illegal(command, state);
  const outcome = command.data;
  switch (outcome.outcome) {
    case 'authorized':
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
          },
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
          },
        },
      ];
    case 'error':
      return [
        {
          type: 'PaymentFailed',
          data: {
            paymentId: state.paymentId,
            failureCode: 'processor_error',
            failureMessage: outcome.message,
          },
        },
      ];
  }
}

function decideCapture(command: Capture, state: PaymentState): PaymentEvent[] | Rejection {
  if (!isExistingPayment(state)) return reject('payment_not_found', command, state, 'no such payment');
  if (state.status !== 'requires_capture') return illegal(command, state);
  if (state.processor === null || state.processorReference === null) {
    return reject(
      'processor_reference_missing',
      command,
      state,
      'an authorized payment has no processor reference',
    );
  }
  return [
    {
      type: 'PaymentCaptured',
      data: {
        paymentId: state.paymentId,
        amountMinor: state.amountMinor,
        currency: state.currency,
        paymentMethodType: state.paymentMethodType,
        processor: state.processor,
        processorReference: state.processorReference,
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
        currency: data.currency,
        captureMethod: data.captureMethod,
        paymentMethodType: data.paymentMethod.type,
        processor: null,
        processorReference: null,
        failureCode: null,
        failureMessage: null,
      };
    }
    case 'PaymentAuthorized':
      return {
        ...transition(state, event, 'requires_capture'),
        processor: event.data.processor,
        processorReference: event.data.processorReference,
      };
    case 'PaymentCaptured':
      return {
        ...transition(state, event, 'succeeded'),
        amountCapturedMinor: event.data.amountMinor,
      };
    case 'PaymentFailed':
      return {
        ...transition(state, event, 'failed'),
        failureCode: event.data.failureCode,
        failureMessage: event.data.failureMessage,
      };
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
