import { DEFAULT_RULE_SET, RULE_KINDS, type RiskRule } from './risk-rules';
import { ruleFromWire, ruleToWire, rulesFromWire } from './rule-wire';
import { SEEDED_GLOBAL_RULES } from '../migrations/1764500000000-risk-rules-lists-velocity';

const wire = (overrides: Record<string, unknown> = {}) => ({
  id: 'r1',
  kind: 'amount_above',
  action: 'block',
  weight: 10,
  params: { amount_minor: '1000' },
  ...overrides,
});

describe('rules on the wire', () => {
  it('reads each kind and writes it back the same (round trip)', () => {
    const rules: RiskRule[] = [
      ...DEFAULT_RULE_SET.rules,
      {
        id: 'velo',
        kind: 'velocity',
        params: {
          key: 'email',
          windowSeconds: 600,
          maxCount: 3,
          maxSumMinor: { USD: 9_007_199_254_740_993n },
        },
        action: 'review',
        weight: 40,
        mode: 'shadow',
      },
      {
        id: 'geo',
        kind: 'card_ip_country_mismatch',
        params: {},
        action: 'review',
        weight: 20,
        mode: 'enforce',
      },
      {
        id: 'fresh',
        kind: 'new_card_large_amount',
        params: { amountMinor: 50_000n, currency: 'EUR', newWithinHours: 24 },
        action: 'review',
        weight: 30,
        mode: 'enforce',
      },
    ];
    expect(new Set(rules.map((rule) => rule.kind))).toEqual(new Set(RULE_KINDS));
    for (const rule of rules) {
      const written = JSON.parse(JSON.stringify(ruleToWire(rule))) as unknown;
      expect(ruleFromWire(written)).toEqual({ rule });
    }
  });

  it('seeds a fresh database with the default rules', () => {
    expect(SEEDED_GLOBAL_RULES).toEqual(DEFAULT_RULE_SET.rules.map(ruleToWire));
    expect(rulesFromWire(SEEDED_GLOBAL_RULES)).toEqual({ rules: DEFAULT_RULE_SET.rules });
  });

  it('keeps amounts beyond 2^53 exact, as strings', () => {
    const parsed = ruleFromWire(wire({ params: { amount_minor: '9007199254740993' } }));
    expect(parsed).toMatchObject({ rule: { params: { amountMinor: 9_007_199_254_740_993n } } });
  });

  it('defaults the mode to enforce and the list params to empty', () => {
    expect(ruleFromWire(wire())).toMatchObject({ rule: { mode: 'enforce' } });
    expect(ruleFromWire(wire({ kind: 'blocked_bin', params: undefined }))).toMatchObject({
      rule: { params: { bins: [] } },
    });
  });

  it.each([
    [wire({ kind: 'teleport' }), 'kind'],
    [wire({ action: 'maybe' }), 'action'],
    [wire({ weight: '10' }), 'weight'],
    [wire({ weight: 101 }), 'weight'],
    [wire({ id: 'Bad Id' }), 'id'],
    [wire({ mode: 'loud' }), 'mode'],
    [wire({ colour: 'red' }), 'colour'],
    [wire({ params: [] }), 'params'],
    [wire({ params: {} }), 'params[amount_minor]'],
    [wire({ params: { amount_minor: 1000 } }), 'params[amount_minor]'],
    [wire({ params: { amount_minor: '-1' } }), 'params[amount_minor]'],
    [wire({ params: { amount_minor: '1', currency: 5 } }), 'params[currency]'],
    [wire({ params: { amount_minor: '1', currency: 'usd' } }), 'params'],
    [wire({ params: { amount_minor: '1', bins: [] } }), 'params[bins]'],
    [wire({ kind: 'blocked_bin', params: { bins: '424242' } }), 'params[bins]'],
    [wire({ kind: 'blocked_bin', params: { bins: ['4242'] } }), 'params'],
    [wire({ kind: 'velocity', params: { key: 'shoe', window_seconds: 60, max_count: 1 } }), 'params[key]'],
    [
      wire({ kind: 'velocity', params: { key: 'ip', window_seconds: 1.5, max_count: 1 } }),
      'params[window_seconds]',
    ],
    [wire({ kind: 'velocity', params: { key: 'ip', window_seconds: 60 } }), 'params'],
    [
      wire({ kind: 'velocity', params: { key: 'ip', window_seconds: 60, max_sum_minor: { USD: 5 } } }),
      'params[max_sum_minor][USD]',
    ],
    [wire({ kind: 'new_card_large_amount', params: { amount_minor: '1' } }), 'params[new_within_hours]'],
    [wire({ kind: 'blocked_ip', params: { ips: ['1.2.3.4'] } }), 'params[ips]'],
    ['a rule', ''],
  ])('refuses %j at %s', (value, param) => {
    const parsed = ruleFromWire(value);
    expect(parsed).toEqual({ problem: { param, message: expect.any(String) } });
  });

  it('refuses a set with a duplicate id, naming the second', () => {
    expect(rulesFromWire([wire(), wire({ id: 'r2' }), wire()])).toEqual({
      problem: { index: 2, param: 'id', message: 'duplicate id r1' },
    });
    expect(rulesFromWire([wire(), wire({ id: 'r2' })])).toMatchObject({
      rules: [{ id: 'r1' }, { id: 'r2' }],
    });
  });
});
