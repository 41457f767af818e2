import { createHash } from 'node:crypto';
import {
  causedBy,
  createEvent,
  type AnyEventEnvelope,
  type EventData,
  type EventEnvelope,
  type NewEventMetadata,
} from '@platform/contracts';
import type { PaymentEvent, PaymentFx, PaymentMethod, PendingAction } from '../domain/payment';

/**
 * Turns the decider's events into contract envelopes, numbered after the payment's version:
 * payments owns each payment's aggregate sequence (1 for payment.created, +1 per event).
 * Amounts become strings of minor units; createEvent validates every envelope.
 */
export function toContractEvents(
  events: readonly PaymentEvent[],
  versionBefore: number,
  metadata: (aggregateSequence: number) => NewEventMetadata,
): AnyEventEnvelope[] {
  return events.map((event, index) => toContractEvent(event, metadata(versionBefore + index + 1)));
}

function toContractEvent(event: PaymentEvent, metadata: NewEventMetadata): AnyEventEnvelope {
  switch (event.type) {
    case 'PaymentCreated': {
      const { data } = event;
      return createEvent(
        'payment.created',
        {
          paymentId: data.paymentId,
          merchantId: data.merchantId,
          amountMinor: data.amountMinor.toString(),
          currency: data.currency,
          ...(data.settlementCurrency === undefined ? {} : { settlementCurrency: data.settlementCurrency }),
          captureMethod: data.captureMethod,
          paymentMethod: contractPaymentMethod(data.paymentMethod),
          ...(data.customer === undefined ? {} : { customer: data.customer }),
        },
        metadata,
      );
    }
    case 'PaymentRequiresAction': {
      const { action } = event.data;
      return createEvent(
        'payment.requires_action',
        { paymentId: event.data.paymentId, action: contractAction(action), expiresAt: action.expiresAt },
        metadata,
      );
    }
    case 'PaymentAuthorized': {
      const { fx, ...data } = event.data;
      return createEvent(
        'payment.authorized',
        { ...data, amountMinor: data.amountMinor.toString(), ...contractFx(fx) },
        metadata,
      );
    }
    case 'PaymentCaptured': {
      const { fx, ...data } = event.data;
      return createEvent(
        'payment.captured',
        { ...data, amountMinor: data.amountMinor.toString(), ...contractFx(fx) },
        metadata,
      );
    }
    case 'PaymentCanceled':
      return createEvent(
        'payment.canceled',
        { ...event.data, releasedAmountMinor: event.data.releasedAmountMinor.toString() },
        metadata,
      );
    case 'PaymentFailed':
      return createEvent('payment.failed', event.data, metadata);
    case 'PaymentReviewOpened':
      return createEvent(
        'payment.review_opened',
        { ...event.data, reasons: [...event.data.reasons] },
        metadata,
      );
    case 'PaymentReviewClosed':
      return createEvent('payment.review_closed', event.data, metadata);
    case 'RefundSucceeded':
      return createEvent(
        'refund.succeeded',
        { ...event.data, amountMinor: event.data.amountMinor.toString() },
        metadata,
      );
    case 'DisputeOpened':
      return createEvent(
        'dispute.opened',
        { ...event.data, amountMinor: event.data.amountMinor.toString() },
        metadata,
      );
    case 'DisputeClosed':
      return createEvent(
        'dispute.closed',
        { ...event.data, amountMinor: event.data.amountMinor.toString() },
        metadata,
      );
    case 'RefundFailed':
      return createEvent(
        'refund.failed',
        { ...event.data, amountMinor: event.data.amountMinor.toString() },
        metadata,
      );
  }
}

/** Copies only the method's own fields (a card's token and display data, never a number). */
function contractPaymentMethod(method: PaymentMethod): PaymentMethod {
  switch (method.type) {
    case 'card':
      return { type: 'card', card: { ...method.card } };
    case 'bank_transfer':
      return { type: 'bank_transfer', bankTransfer: { country: method.bankTransfer.country } };
    case 'wallet':
      return { type: 'wallet', wallet: { provider: method.wallet.provider } };
  }
}

function contractAction(action: PendingAction) {
  switch (action.type) {
    case 'three_d_secure':
      return { type: action.type, challengeId: action.challengeId };
    case 'qr_code':
      return { type: action.type, qrPayload: action.qrPayload };
    case 'bank_transfer':
      return { type: action.type, virtualAccountReference: action.virtualAccountReference };
  }
}

function contractFx(fx: PaymentFx | undefined) {
  if (fx === undefined) return {};
  return {
    fx: {
      settlementCurrency: fx.settlementCurrency,
      settlementAmountMinor: fx.settlementAmountMinor.toString(),
      rate: fx.rate,
      rateVersion: fx.rateVersion,
    },
  };
}

/** The commands a client sends on payments.commands: the only ones whose refusal is reported. */
export type ClientCommand = EventEnvelope<EventData<'payment.command_rejected'>['commandType']>;

/** Why a command had no effect: the decider's rejection, or the processor's error. */
export interface CommandRefusal {
  readonly code: string;
  readonly message: string;
}

/** The contract caps the message; a processor's may be longer. */
export const COMMAND_REJECTION_MESSAGE_MAX = 500;

/**
 * payment.command_rejected for a refused command: keyed like the command, caused by it, numbered
 * with the aggregate's current sequence (the refusal changes nothing, so it takes no number).
 */
export function commandRejectedEvent(
  command: ClientCommand,
  refusal: CommandRefusal,
  aggregateSequence: number,
): EventEnvelope<'payment.command_rejected'> {
  const paymentId = 'paymentId' in command.data ? command.data.paymentId : undefined;
  return createEvent(
    'payment.command_rejected',
    {
      commandId: command.id,
      commandType: command.type,
      ...(paymentId === undefined ? {} : { paymentId }),
      code: refusal.code,
      message: refusal.message.slice(0, COMMAND_REJECTION_MESSAGE_MAX),
    },
    causedBy(command, Math.max(aggregateSequence, 1)),
  );
}

/**
 * Capture ids are derived, so a repeated command makes the same id. The first keeps the id it had
 * before partial captures; later ones hash the payment id and the capture's number.
 */
export function captureIdFor(paymentId: string, captureNumber: number): string {
  if (captureNumber === 1) return `cap_${paymentId.slice('pay_'.length)}`;
  return `cap_${createHash('sha256').update(`${paymentId}:${captureNumber}`).digest('hex').slice(0, 32)}`;
}

/** Dispute ids are derived from the payment: one dispute per payment. */
export function disputeIdFor(paymentId: string): string {
  return `dp_${createHash('sha256').update(`${paymentId}:dispute`).digest('hex').slice(0, 32)}`;
}
