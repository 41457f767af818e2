import { routeFor, type RoutingFacts, type RoutingRule } from './processor-routing';

const FALLBACK = ['simulated-a', 'simulated-b'];
const facts: RoutingFacts = {
  merchantId: 'mer_TestMerchant01',
  method: 'card',
  currency: 'USD',
  amountMinor: 10_000n,
  cardCountry: 'US',
};

describe('routeFor', () => {
  it('uses the fallback order when no rule matches', () => {
    expect(routeFor([], facts, FALLBACK)).toEqual(['simulated-a', 'simulated-b']);
    expect(routeFor([{ currency: 'EUR', processors: ['simulated-b'] }], facts, FALLBACK)).toEqual(FALLBACK);
  });

  it('puts the matching rule first and keeps the rest of the fallback order, each processor once', () => {
    expect(routeFor([{ currency: 'USD', processors: ['simulated-b'] }], facts, FALLBACK)).toEqual([
      'simulated-b',
      'simulated-a',
    ]);
  });

  it('prefers a merchant rule to a platform rule whatever the order they are listed in', () => {
    const rules: RoutingRule[] = [
      { processors: ['simulated-a'] },
      { merchantId: 'mer_TestMerchant01', processors: ['simulated-b'] },
    ];
    expect(routeFor(rules, facts, FALLBACK)[0]).toBe('simulated-b');
    expect(routeFor(rules, { ...facts, merchantId: 'mer_Other000000' }, FALLBACK)[0]).toBe('simulated-a');
  });

  it.each<[string, boolean, RoutingRule]>([
    ['method', false, { method: 'wallet', processors: ['simulated-b'] }],
    ['method', true, { method: 'card', processors: ['simulated-b'] }],
    ['amount below the minimum', false, { amountMinorMin: 10_001n, processors: ['simulated-b'] }],
    ['amount at the minimum', true, { amountMinorMin: 10_000n, processors: ['simulated-b'] }],
    ['amount above the maximum', false, { amountMinorMax: 9_999n, processors: ['simulated-b'] }],
    ['amount at the maximum', true, { amountMinorMax: 10_000n, processors: ['simulated-b'] }],
    ['card country', false, { cardCountry: 'GB', processors: ['simulated-b'] }],
    ['card country', true, { cardCountry: 'US', processors: ['simulated-b'] }],
  ])('on %s, matches: %s', (_name, matches, rule) => {
    expect(routeFor([rule], facts, FALLBACK)[0]).toBe(matches ? 'simulated-b' : 'simulated-a');
  });

  it('does not match a card country rule when the country is unknown', () => {
    const { cardCountry: _unknown, ...withoutCountry } = facts;
    expect(routeFor([{ cardCountry: 'US', processors: ['simulated-b'] }], withoutCountry, FALLBACK)[0]).toBe(
      'simulated-a',
    );
  });
});
