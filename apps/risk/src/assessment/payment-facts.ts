import type { EventData } from '@platform/contracts';
import { countryOfIp, type IpCountryRange } from '../domain/ip-country';
import type { PaymentFacts } from '../domain/risk-rules';

/**
 * What the rules see of a created payment before the database is asked (lists, velocity, cards
 * seen): amount as bigint, the card's display data and fingerprint, the customer, and the
 * country of the customer's IP from the configured ranges.
 */
export function paymentFactsFrom(
  created: EventData<'payment.created'>,
  ipRanges: readonly IpCountryRange[] = [],
): PaymentFacts {
  const method = created.paymentMethod;
  const customer = created.customer ?? {};
  const ipCountry = countryOfIp(customer.ip, ipRanges);
  return {
    amountMinor: BigInt(created.amountMinor),
    currency: created.currency,
    ...(method.type === 'card'
      ? {
          card: {
            bin: method.card.bin,
            last4: method.card.last4,
            brand: method.card.brand,
            fingerprint: method.card.fingerprint,
            ...(method.card.country === undefined ? {} : { country: method.card.country }),
          },
        }
      : {}),
    customer: {
      ...(customer.id === undefined ? {} : { id: customer.id }),
      ...(customer.email === undefined ? {} : { email: customer.email }),
      ...(customer.country === undefined ? {} : { country: customer.country }),
      ...(customer.ip === undefined ? {} : { ip: customer.ip }),
    },
    ...(ipCountry === undefined ? {} : { ipCountry }),
  };
}
