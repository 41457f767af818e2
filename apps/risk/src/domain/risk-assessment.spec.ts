import fc from 'fast-check';
import { DEFAULT_FX_RATE_TABLE } from '@platform/money';
import { assess, SCORE_MAX } from './risk-assessment';
import {
  DEFAULT_RULE_SET,
  amountIn,
  RULES_MAX,
  ruleMatches,
  validateRuleSet,
  type PaymentFacts,
  type RiskRule,
} from './risk-rules';

const facts = (overrides: Partial<PaymentFacts> = {}): PaymentFacts => ({
  amountMinor: 10_000n,
  currency: 'USD',
  card: { bin: '424242', last4: '4242', brand: 'visa' },
  customer: { email: 'jane@example.com', country: 'FR' },
  ...overrides,
});

const rule = <K extends RiskRule['kind']>(
  kind: K,
  params: Extract<RiskRule, { kind: K }>['params'],
  overrides: Partial<Pick<RiskRule, 'id' | 'action' | 'weight' | 'mode'>> = {},
): RiskRule =>
  ({
    id: `${kind.replace(/_/g, '-')}-rule`,
    kind,
    params,
    action: 'block',
    weight: 50,
    mode: 'enforce',
    ...overrides,
  }) as RiskRule;

describe('rule kinds', () => {
  describe('amount_above', () => {
    const above = rule('amount_above', { amountMinor: 1_000_000n });

    it('matches strictly above the threshold, read in the reference currency (USD)', () => {
      expect(ruleMatches(above, facts({ amountMinor: 1_000_001n }))).toBe(true);
      expect(ruleMatches(above, facts({ amountMinor: 1_000_000n }))).toBe(false);
      expect(ruleMatches(above, facts({ amountMinor: 999_999n }))).toBe(false);
    });

    // Issue 16: raw minor units were compared across currencies (JPY has no decimals, KWD three).
    it('converts other currencies into the reference currency before comparing', () => {
      // 1,000,001 JPY at JPY:USD 0.00661376 is 6,613.77 USD: below 10,000.00 USD.
      expect(ruleMatches(above, facts({ amountMinor: 1_000_001n, currency: 'JPY' }))).toBe(false);
      // 1,511,999 JPY is 999,999.85 cents → 1,000,000 (not above); 1,512,000 JPY is 1,000,000.51 → 1,000,001.
      expect(ruleMatches(above, facts({ amountMinor: 1_511_999n, currency: 'JPY' }))).toBe(false);
      expect(ruleMatches(above, facts({ amountMinor: 1_512_000n, currency: 'JPY' }))).toBe(true);
      // 9,300.00 EUR at 1.0842 is 10,083.06 USD: above, though 930,000 < 1,000,000 minor units.
      expect(ruleMatches(above, facts({ amountMinor: 930_000n, currency: 'EUR' }))).toBe(true);
      expect(ruleMatches(above, facts({ amountMinor: 922_000n, currency: 'EUR' }))).toBe(false);
    });

    it('uses the configured reference currency and rate table', () => {
      const inEur = { currency: 'EUR', table: { version: 't1', rates: { 'USD:EUR': '0.5' } } };
      const euros = rule('amount_above', { amountMinor: 10_000n });
      expect(ruleMatches(euros, facts({ amountMinor: 10_001n, currency: 'EUR' }), inEur)).toBe(true);
      expect(ruleMatches(euros, facts({ amountMinor: 20_000n, currency: 'USD' }), inEur)).toBe(false);
      expect(ruleMatches(euros, facts({ amountMinor: 20_002n, currency: 'USD' }), inEur)).toBe(true);
    });

    it('never matches a currency the rate table cannot convert (raw units are not comparable)', () => {
      // KWD has three decimals and no rate in the default table: 2,000.000 KWD is not "2,000,000 cents".
      expect(
        amountIn(facts({ amountMinor: 2_000_000n, currency: 'KWD' }), 'USD', DEFAULT_FX_RATE_TABLE),
      ).toBe(null);
      expect(ruleMatches(above, facts({ amountMinor: 2_000_000n, currency: 'KWD' }))).toBe(false);
      const inKwd = rule('amount_above', { amountMinor: 1_000_000n, currency: 'KWD' });
      expect(ruleMatches(inKwd, facts({ amountMinor: 1_000_001n, currency: 'KWD' }))).toBe(true);
    });

    it('only looks at its currency when it names one', () => {
      const eur = rule('amount_above', { amountMinor: 100n, currency: 'EUR' });
      expect(ruleMatches(eur, facts({ amountMinor: 101n, currency: 'EUR' }))).toBe(true);
      expect(ruleMatches(eur, facts({ amountMinor: 101n, currency: 'USD' }))).toBe(false);
    });

    it('compares amounts beyond 2^53 exactly', () => {
      const huge = rule('amount_above', { amountMinor: 9_007_199_254_740_993n });
      expect(ruleMatches(huge, facts({ amountMinor: 9_007_199_254_740_993n }))).toBe(false);
      expect(ruleMatches(huge, facts({ amountMinor: 9_007_199_254_740_994n }))).toBe(true);
    });
  });

  describe('blocked_bin', () => {
    it('matches a listed BIN only', () => {
      const bins = rule('blocked_bin', { bins: ['400000', '555555'] });
      expect(ruleMatches(bins, facts({ card: { bin: '400000', last4: '0002', brand: 'visa' } }))).toBe(true);
      expect(ruleMatches(bins, facts())).toBe(false);
      expect(ruleMatches(rule('blocked_bin', { bins: [] }), facts())).toBe(false);
    });
  });

  describe('blocked_email_domain', () => {
    const domains = rule('blocked_email_domain', { domains: ['mailinator.com'] });

    it('matches the domain and its subdomains, whatever the case', () => {
      expect(ruleMatches(domains, facts({ customer: { email: 'a@mailinator.com' } }))).toBe(true);
      expect(ruleMatches(domains, facts({ customer: { email: 'a@EU.Mailinator.COM' } }))).toBe(true);
    });

    it('does not match a lookalike domain, a local part or a missing email', () => {
      expect(ruleMatches(domains, facts({ customer: { email: 'a@notmailinator.com' } }))).toBe(false);
      expect(ruleMatches(domains, facts({ customer: { email: 'mailinator.com@example.com' } }))).toBe(false);
      expect(ruleMatches(domains, facts({ customer: {} }))).toBe(false);
      expect(ruleMatches(domains, facts({ customer: { email: 'broken@' } }))).toBe(false);
    });
  });

  describe('blocked_country', () => {
    const countries = rule('blocked_country', { countries: ['KP', 'IR'] });

    it("matches the customer's country", () => {
      expect(ruleMatches(countries, facts({ customer: { country: 'KP' } }))).toBe(true);
      expect(ruleMatches(countries, facts({ customer: { country: 'FR' } }))).toBe(false);
      expect(ruleMatches(countries, facts({ customer: {} }))).toBe(false);
    });
  });
});

describe('assess', () => {
  it('approves with score 0 when nothing matches', () => {
    expect(assess(facts(), DEFAULT_RULE_SET.rules)).toEqual({
      decision: 'approve',
      score: 0,
      reasons: [],
      shadowReasons: [],
    });
  });

  it('sends an amount above 10,000.00 USD (or its worth in another currency) to review with the default rules', () => {
    expect(assess(facts({ amountMinor: 1_000_001n, currency: 'JPY' }), DEFAULT_RULE_SET.rules)).toMatchObject(
      {
        decision: 'approve',
      },
    );
    expect(assess(facts({ amountMinor: 999_999n, currency: 'USD' }), DEFAULT_RULE_SET.rules)).toMatchObject({
      decision: 'approve',
    });
    expect(assess(facts({ amountMinor: 2_000_000n, currency: 'JPY' }), DEFAULT_RULE_SET.rules)).toEqual({
      decision: 'review',
      score: 60,
      reasons: ['amount_above:global-high-amount'],
      shadowReasons: [],
    });
  });

  it('declines on a block rule, even when a review rule matched too', () => {
    const rules = [
      rule('amount_above', { amountMinor: 0n }, { id: 'any-amount', action: 'review', weight: 10 }),
      rule('blocked_country', { countries: ['FR'] }, { id: 'no-fr', action: 'block', weight: 30 }),
    ];
    expect(assess(facts(), rules)).toEqual({
      decision: 'decline',
      score: 40,
      reasons: ['amount_above:any-amount', 'blocked_country:no-fr'],
      shadowReasons: [],
    });
  });

  it('approves when an allow rule matches, whatever blocks (Radar precedence)', () => {
    const rules = [
      rule('blocked_bin', { bins: ['424242'] }, { id: 'block-bin', action: 'block', weight: 90 }),
      rule(
        'blocked_email_domain',
        { domains: ['example.com'] },
        { id: 'trusted', action: 'allow', weight: 0 },
      ),
    ];
    expect(assess(facts(), rules)).toMatchObject({ decision: 'approve', score: 90 });
  });

  it('caps the score at 100', () => {
    const rules = [
      rule('blocked_bin', { bins: ['424242'] }, { id: 'a', action: 'review', weight: 80 }),
      rule('blocked_country', { countries: ['FR'] }, { id: 'b', action: 'review', weight: 70 }),
    ];
    expect(assess(facts(), rules)).toMatchObject({ decision: 'review', score: 100 });
  });

  it('lists a matching shadow rule apart and lets it change nothing', () => {
    const shadowBlock = rule(
      'blocked_country',
      { countries: ['FR'] },
      { id: 'try-fr', weight: 100, mode: 'shadow' },
    );
    const withShadow = assess(facts(), [...DEFAULT_RULE_SET.rules, shadowBlock]);
    expect(withShadow).toEqual({
      decision: 'approve',
      score: 0,
      reasons: [],
      shadowReasons: ['blocked_country:try-fr'],
    });
  });

  it('keeps decision and score independent of shadow rules (property)', () => {
    const kinds = fc.constantFrom<RiskRule>(
      rule('amount_above', { amountMinor: 5_000n }),
      rule('blocked_bin', { bins: ['424242'] }),
      rule('blocked_email_domain', { domains: ['example.com'] }),
      rule('blocked_country', { countries: ['FR', 'DE'] }),
    );
    const arbitraryRule = fc
      .record({
        base: kinds,
        action: fc.constantFrom('block', 'review', 'allow' as const),
        weight: fc.integer({ min: 0, max: 100 }),
        mode: fc.constantFrom('enforce', 'shadow' as const),
        index: fc.nat(),
      })
      .map(
        ({ base, action, weight, mode, index }) =>
          ({ ...base, id: `r${index}`, action, weight, mode }) as RiskRule,
      );
    const arbitraryFacts = fc.record({
      amountMinor: fc.bigInt({ min: 1n, max: 20_000n }),
      country: fc.constantFrom('FR', 'DE', 'US'),
    });
    fc.assert(
      fc.property(fc.array(arbitraryRule, { maxLength: 8 }), arbitraryFacts, (rules, f) => {
        const payment = facts({
          amountMinor: f.amountMinor,
          customer: { email: 'x@example.com', country: f.country },
        });
        const all = assess(payment, rules);
        const enforcedOnly = assess(
          payment,
          rules.filter((r) => r.mode === 'enforce'),
        );
        expect(all.decision).toBe(enforcedOnly.decision);
        expect(all.score).toBe(enforcedOnly.score);
        expect(all.score).toBeGreaterThanOrEqual(0);
        expect(all.score).toBeLessThanOrEqual(SCORE_MAX);
        if (all.decision === 'decline') expect(rules.some((r) => r.action === 'block')).toBe(true);
      }),
    );
  });
});

describe('validateRuleSet', () => {
  it('accepts the default rules', () => {
    expect(validateRuleSet(DEFAULT_RULE_SET)).toEqual([]);
  });

  it('refuses a threshold currency that is not an ISO 4217 code, and accepts one that is', () => {
    const withCurrency = (currency: string) =>
      validateRuleSet({ version: 'v', rules: [rule('amount_above', { amountMinor: 1n, currency })] });
    expect(withCurrency('XYZ')).toEqual([
      'rule amount-above-rule: currency must be an upper-case ISO 4217 code',
    ]);
    expect(withCurrency('KWD')).toEqual([]);
  });

  it('names every problem', () => {
    const problems = validateRuleSet({
      version: '',
      rules: [
        rule('amount_above', { amountMinor: -1n, currency: 'usd' }, { id: 'Bad Id', weight: 101 }),
        rule('blocked_bin', { bins: ['4242'] }, { id: 'dup' }),
        rule('blocked_email_domain', { domains: ['not a domain'] }, { id: 'dup' }),
        rule('blocked_country', { countries: ['fra'] }, { id: 'c', weight: 2.5 }),
      ],
    });
    expect(problems).toEqual([
      'version: must not be empty',
      expect.stringContaining('rule Bad Id: id must be'),
      'rule Bad Id: weight must be an integer from 0 to 100',
      'rule Bad Id: amountMinor must not be negative',
      'rule Bad Id: currency must be an upper-case ISO 4217 code',
      'rule dup: bin "4242" must be 6 digits',
      'rule dup: duplicate id',
      'rule dup: "not a domain" is not a domain',
      'rule c: weight must be an integer from 0 to 100',
      'rule c: "fra" is not an ISO country',
    ]);
  });

  it(`refuses more than ${RULES_MAX} rules`, () => {
    const rules = Array.from({ length: RULES_MAX + 1 }, (_, i) =>
      rule('blocked_bin', { bins: [] }, { id: `r${i}` }),
    );
    expect(validateRuleSet({ version: 'v', rules })).toEqual([`rules: at most ${RULES_MAX}`]);
  });
});
