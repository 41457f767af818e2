import { createEvent, type AnyEventEnvelope, type NewEventMetadata } from '@platform/contracts';
import type { PaymentEvent } from '../domain/payment-state-machine';

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
          captureMethod: data.captureMethod,
          paymentMethod: { type: 'card', card: { ...data.paymentMethod.card } },
          ...(data.customer === undefined ? {} : { customer: data.customer }),
        },
        metadata,
      );
    }
    case 'PaymentAuthorized':
      return createEvent(
        'payment.authorized',
        { ...event.data, amountMinor: event.data.amountMinor.toString() },
        metadata,
      );
    case 'PaymentCaptured':
      // One capture per payment for now, so its id derives from the payment's and ends it.
      return createEvent(
        'payment.captured',
        {
          ...event.data,
          amountMinor: event.data.amountMinor.toString(),
          captureId: `cap_${event.data.paymentId.slice('pay_'.length)}`,
          final: true,
        },
        metadata,
      );
    case 'PaymentFailed':
      return createEvent('payment.failed', event.data, metadata);
  }
}
