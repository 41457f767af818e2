import type { EventData } from '@platform/contracts';
import type { PaymentFacts } from '../domain/risk-rules';

/** What the rules see of a created payment: amount as bigint, the card's display data, the customer. */
export function paymentFactsFrom(created: EventData<'payment.created'>): PaymentFacts {
  const method = created.paymentMethod;
  const customer = created.customer ?? {};
  return {
    amountMinor: BigInt(created.amountMinor),
    currency: created.currency,
    ...(method.type === 'card'
      ? { card: { bin: method.card.bin, last4: method.card.last4, brand: method.card.brand } }
      : {}),
    customer: {
      ...(customer.email === undefined ? {} : { email: customer.email }),
      ...(customer.country === undefined ? {} : { country: customer.country }),
      ...(customer.ip === undefined ? {} : { ip: customer.ip }),
    },
  };
}
