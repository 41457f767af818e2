import { assess } from './risk-assessment';
import {
  DEFAULT_RULE_SET,
  ruleMatches,
  validateRuleSet,
  velocityWindowId,
  type PaymentFacts,
  type RiskRule,
  type WindowTotals,
} from './risk-rules';

/** The rule kinds that need more than the payment itself: lists, velocity, countries, cards seen. */
const facts = (overrides: Partial<PaymentFacts> = {}): PaymentFacts => ({
  amountMinor: 10_000n,
  currency: 'USD',
  card: { bin: '424242', last4: '4242', brand: 'visa', fingerprint: 'fp_card000000000001', country: 'US' },
  customer: { id: 'cus_1', email: 'jane@example.com', country: 'US', ip: '192.0.2.10' },
  ...overrides,
});

const rule = <K extends RiskRule['kind']>(
  kind: K,
  params: Extract<RiskRule, { kind: K }>['params'],
  overrides: Partial<Pick<RiskRule, 'id' | 'action' | 'weight' | 'mode'>> = {},
): RiskRule =>
  ({
    id: `${kind}-rule`,
    kind,
    params,
    action: 'block',
    weight: 50,
    mode: 'enforce',
    ...overrides,
  }) as RiskRule;

const counted = (windows: Record<string, WindowTotals>) => new Map(Object.entries(windows));

describe('block-list rules', () => {
  it.each([
    ['blocked_card_fingerprint', 'card_fingerprint'],
    ['blocked_ip', 'ip'],
    ['blocked_bin', 'bin'],
    ['blocked_email_domain', 'email_domain'],
    ['blocked_country', 'country'],
  ] as const)('%s matches when the payment is on the %s list, and only then', (kind, list) => {
    const params = { bins: [], domains: [], countries: [] } as never;
    const blocked = rule(kind, params);
    expect(ruleMatches(blocked, facts({ listed: new Set([list]) }))).toBe(true);
    expect(ruleMatches(blocked, facts({ listed: new Set() }))).toBe(false);
    expect(ruleMatches(blocked, facts())).toBe(false);
    const otherList = list === 'ip' ? 'bin' : 'ip';
    expect(ruleMatches(blocked, facts({ listed: new Set([otherList]) }))).toBe(false);
  });

  it('declines a listed card with the default rules', () => {
    expect(assess(facts({ listed: new Set(['card_fingerprint']) }), DEFAULT_RULE_SET.rules)).toEqual({
      decision: 'decline',
      score: 100,
      reasons: ['blocked_card_fingerprint:global-blocked-cards'],
      shadowReasons: [],
    });
  });
});

describe('velocity', () => {
  const byCard = rule('velocity', { key: 'card_fingerprint', windowSeconds: 3_600, maxCount: 3 });
  const window = velocityWindowId({ key: 'card_fingerprint', windowSeconds: 3_600 });

  it('lets maxCount payments through and matches the next (this payment counts)', () => {
    expect(ruleMatches(byCard, facts())).toBe(false);
    expect(ruleMatches(byCard, facts({ velocity: counted({ [window]: { count: 2, sumMinor: 0n } }) }))).toBe(
      false,
    );
    expect(ruleMatches(byCard, facts({ velocity: counted({ [window]: { count: 3, sumMinor: 0n } }) }))).toBe(
      true,
    );
  });

  it('reads only its own window', () => {
    const otherWindow = velocityWindowId({ key: 'card_fingerprint', windowSeconds: 60 });
    expect(
      ruleMatches(byCard, facts({ velocity: counted({ [otherWindow]: { count: 99, sumMinor: 0n } }) })),
    ).toBe(false);
  });

  it('matches a sum above the maximum of the payment currency, and ignores other currencies', () => {
    const bySum = rule('velocity', {
      key: 'email',
      windowSeconds: 86_400,
      maxSumMinor: { USD: 50_000n, EUR: 1n },
    });
    const emailWindow = velocityWindowId({ key: 'email', windowSeconds: 86_400 });
    const earlier = (sumMinor: bigint) =>
      facts({ velocity: counted({ [emailWindow]: { count: 1, sumMinor } }) });
    expect(ruleMatches(bySum, earlier(40_000n))).toBe(false); // 40,000 + 10,000 = the maximum
    expect(ruleMatches(bySum, earlier(40_001n))).toBe(true);
    expect(ruleMatches(bySum, { ...earlier(40_001n), currency: 'JPY' })).toBe(false);
  });

  it('never matches a payment without the key (no customer id, no card)', () => {
    const byCustomer = rule('velocity', { key: 'customer', windowSeconds: 60, maxCount: 0 });
    expect(ruleMatches(byCustomer, facts())).toBe(true);
    expect(ruleMatches(byCustomer, facts({ customer: {} }))).toBe(false);
    const byCardNone = rule('velocity', { key: 'card_fingerprint', windowSeconds: 60, maxCount: 0 });
    expect(ruleMatches(byCardNone, facts({ card: undefined }))).toBe(false);
  });
});

describe('card_ip_country_mismatch', () => {
  const mismatch = rule('card_ip_country_mismatch', {});

  it("compares the card's issuing country with the IP's country", () => {
    expect(ruleMatches(mismatch, facts({ ipCountry: 'US' }))).toBe(false);
    expect(ruleMatches(mismatch, facts({ ipCountry: 'GB' }))).toBe(true);
  });

  it("falls back to the customer's stated country when the IP is unknown", () => {
    expect(ruleMatches(mismatch, facts({ customer: { country: 'JP' } }))).toBe(true);
    expect(ruleMatches(mismatch, facts({ customer: { country: 'US' } }))).toBe(false);
    // The IP's country wins over the stated one when known.
    expect(ruleMatches(mismatch, facts({ ipCountry: 'US', customer: { country: 'JP' } }))).toBe(false);
  });

  it('does not match when either country is unknown', () => {
    expect(ruleMatches(mismatch, facts({ customer: {} }))).toBe(false);
    const noCountry = facts({ card: { bin: '424242', last4: '4242', brand: 'visa' }, ipCountry: 'GB' });
    expect(ruleMatches(mismatch, noCountry)).toBe(false);
  });
});

describe('new_card_large_amount', () => {
  const newCard = rule('new_card_large_amount', { amountMinor: 5_000n, newWithinHours: 24 });

  it('matches a large amount on a card never seen or seen less than newWithinHours ago', () => {
    expect(ruleMatches(newCard, facts())).toBe(true);
    expect(ruleMatches(newCard, facts({ cardSeenForSeconds: 24 * 3_600 - 1 }))).toBe(true);
    expect(ruleMatches(newCard, facts({ cardSeenForSeconds: 24 * 3_600 }))).toBe(false);
  });

  it('ignores small amounts, other currencies and payments without a card fingerprint', () => {
    expect(ruleMatches(newCard, facts({ amountMinor: 5_000n }))).toBe(false);
    const inEur = rule('new_card_large_amount', { amountMinor: 5_000n, currency: 'EUR', newWithinHours: 1 });
    expect(ruleMatches(inEur, facts())).toBe(false);
    expect(ruleMatches(newCard, facts({ card: undefined }))).toBe(false);
  });

  it('with newWithinHours 0 matches only a card never seen', () => {
    const neverSeen = rule('new_card_large_amount', { amountMinor: 0n, newWithinHours: 0 });
    expect(ruleMatches(neverSeen, facts())).toBe(true);
    expect(ruleMatches(neverSeen, facts({ cardSeenForSeconds: 0 }))).toBe(false);
  });
});

describe('score and decision with the new kinds', () => {
  it('adds the weights of everything enforced that matched, block first, and keeps shadow rules apart', () => {
    const rules = [
      rule('card_ip_country_mismatch', {}, { id: 'geo', action: 'review', weight: 30 }),
      rule(
        'new_card_large_amount',
        { amountMinor: 0n, newWithinHours: 1 },
        { id: 'fresh', action: 'review', weight: 20 },
      ),
      rule(
        'velocity',
        { key: 'ip', windowSeconds: 60, maxCount: 0 },
        { id: 'ip-burst', weight: 40, mode: 'shadow' },
      ),
    ];
    expect(assess(facts({ ipCountry: 'GB' }), rules)).toEqual({
      decision: 'review',
      score: 50,
      reasons: ['card_ip_country_mismatch:geo', 'new_card_large_amount:fresh'],
      shadowReasons: ['velocity:ip-burst'],
    });
  });
});

describe('validateRuleSet of the new kinds', () => {
  it('names every problem', () => {
    const problems = validateRuleSet({
      version: 'v',
      rules: [
        rule('velocity', { key: 'card_fingerprint', windowSeconds: 0 }, { id: 'v1' }),
        rule(
          'velocity',
          { key: 'ip', windowSeconds: 60, maxCount: -1, maxSumMinor: { usd: -1n } },
          { id: 'v2' },
        ),
        rule(
          'new_card_large_amount',
          { amountMinor: -1n, currency: 'usd', newWithinHours: 1.5 },
          { id: 'n' },
        ),
      ],
    });
    expect(problems).toEqual([
      'rule v1: windowSeconds must be an integer from 1 to 2592000',
      'rule v1: needs maxCount or maxSumMinor',
      'rule v2: maxCount must be an integer from 0 to 1000000',
      'rule v2: "usd" is not an ISO 4217 code',
      'rule v2: maxSumMinor of usd must not be negative',
      'rule n: amountMinor must not be negative',
      'rule n: currency must be an upper-case ISO 4217 code',
      'rule n: newWithinHours must be an integer from 0 to 720',
    ]);
  });
});
