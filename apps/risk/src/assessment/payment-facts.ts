import type { EventData } from '@platform/contracts';
import type { PaymentFacts } from '../domain/risk-rules';

/** What the rules see of a created payment: amount as bigint, the card's display data, the customer. */
export function paymentFactsFrom(created: EventData<'payment.created'>): PaymentFacts {
  const { bin, last4, brand } = created.paymentMethod.card;
  const customer = created.customer ?? {};
  return {
    amountMinor: BigInt(created.amountMinor),
    currency: created.currency,
    card: { bin, last4, brand },
    customer: {
      ...(customer.email === undefined ? {} : { email: customer.email }),
      ...(customer.country === undefined ? {} : { country: customer.country }),
      ...(customer.ip === undefined ? {} : { ip: customer.ip }),
    },
  };
}
