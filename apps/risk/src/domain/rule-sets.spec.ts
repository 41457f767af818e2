import type { RiskRule } from './risk-rules';
import { effectiveRuleSet, longestWindowSeconds } from './rule-sets';

const amountRule = (id: string, amountMinor: bigint): RiskRule => ({
  id,
  kind: 'amount_above',
  params: { amountMinor },
  action: 'review',
  weight: 10,
  mode: 'enforce',
});

const velocityRule = (id: string, windowSeconds: number): RiskRule => ({
  id,
  kind: 'velocity',
  params: { key: 'ip', windowSeconds, maxCount: 1 },
  action: 'block',
  weight: 10,
  mode: 'enforce',
});

describe('effectiveRuleSet', () => {
  const global = {
    scope: 'global' as const,
    version: 3,
    rules: [amountRule('a', 100n), amountRule('b', 200n)],
  };

  it('is the global set alone for a merchant without rules', () => {
    expect(effectiveRuleSet(global, null)).toEqual({ version: 'global.v3', rules: global.rules });
  });

  it("replaces global rules by the merchant's of the same id, in place, and adds the merchant's others", () => {
    const merchant = {
      scope: 'mer_Merchant0001' as const,
      version: 2,
      rules: [amountRule('c', 1n), amountRule('b', 5n)],
    };
    expect(effectiveRuleSet(global, merchant)).toEqual({
      version: 'global.v3+mer_Merchant0001.v2',
      rules: [amountRule('a', 100n), amountRule('b', 5n), amountRule('c', 1n)],
    });
  });
});

describe('longestWindowSeconds', () => {
  it('is the longest velocity window, 0 without velocity rules', () => {
    expect(longestWindowSeconds([amountRule('a', 1n)])).toBe(0);
    expect(
      longestWindowSeconds([velocityRule('v1', 60), amountRule('a', 1n), velocityRule('v2', 3_600)]),
    ).toBe(3_600);
  });
});
