import { randomUUID } from 'node:crypto';
import { EVENT_CATALOGUE } from '../catalogue';
import { ContractViolationError, createEvent, topicOf } from '../event-envelope';
import { TOPICS } from '../topics';

const merchantId = 'mer_0123456789abcdef';
const metadata = {
  aggregateId: merchantId,
  aggregateSequence: 1,
  merchantId,
  correlationId: randomUUID(),
  causationId: null,
};
const pricing = { merchantId, currency: 'USD', basisPoints: 250, fixedAmountMinor: '30' };

describe('merchant.pricing_set', () => {
  it('travels on merchants.events, keyed by merchant id', () => {
    const event = createEvent('merchant.pricing_set', pricing, metadata);
    expect(topicOf(event.type)).toBe(TOPICS.merchantsEvents.name);
    expect(EVENT_CATALOGUE['merchant.pricing_set'].topic.keyedBy).toBe('merchant id');
    expect(event.data).toEqual(pricing);
  });

  it.each([
    ['basis points above 100 %', { basisPoints: 10_001 }],
    ['negative basis points', { basisPoints: -1 }],
    ['fractional basis points', { basisPoints: 2.5 }],
    ['a fixed amount as a float', { fixedAmountMinor: '0.30' }],
    ['a negative fixed amount', { fixedAmountMinor: '-30' }],
    ['a lower-case currency', { currency: 'usd' }],
    ['an unknown currency', { currency: 'XYZ' }],
    ['an unknown field', { effectiveFrom: '2026-11-25T00:00:00Z' }],
  ])('refuses %s', (_name, change) => {
    expect(() => createEvent('merchant.pricing_set', { ...pricing, ...change }, metadata)).toThrow(
      ContractViolationError,
    );
  });

  it('takes the bounds themselves: free, and the whole amount', () => {
    for (const basisPoints of [0, 10_000]) {
      expect(
        createEvent('merchant.pricing_set', { ...pricing, basisPoints }, metadata).data.basisPoints,
      ).toBe(basisPoints);
    }
  });
});
