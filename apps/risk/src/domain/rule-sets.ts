import { type RiskRule, type RuleSet, type VelocityRule } from './risk-rules';

/** Where a rule set applies: the whole platform, or one merchant on top of it. */
export type RuleScope = 'global' | `mer_${string}`;

export interface StoredRuleSet {
  readonly scope: RuleScope;
  /** Starts at 1 and grows by one with every change. */
  readonly version: number;
  readonly rules: readonly RiskRule[];
}

/**
 * The rules in force for a merchant: the global rules, each replaced by the merchant's rule of
 * the same id, then the merchant's other rules. Its version names both versions, so an
 * assessment says exactly which rules made it (`global.v3+mer_x.v2`).
 */
export function effectiveRuleSet(global: StoredRuleSet, merchant: StoredRuleSet | null): RuleSet {
  const version = `${global.scope}.v${global.version}`;
  if (merchant === null) return { version, rules: global.rules };
  const overrides = new Map(merchant.rules.map((rule) => [rule.id, rule]));
  const globalIds = new Set(global.rules.map((rule) => rule.id));
  return {
    version: `${version}+${merchant.scope}.v${merchant.version}`,
    rules: [
      ...global.rules.map((rule) => overrides.get(rule.id) ?? rule),
      ...merchant.rules.filter((rule) => !globalIds.has(rule.id)),
    ],
  };
}

export function velocityRulesOf(rules: readonly RiskRule[]): VelocityRule[] {
  return rules.filter((rule): rule is VelocityRule => rule.kind === 'velocity');
}

/** How long velocity observations must be kept for these rules (0 when none counts). */
export function longestWindowSeconds(rules: readonly RiskRule[]): number {
  return velocityRulesOf(rules).reduce((longest, rule) => Math.max(longest, rule.params.windowSeconds), 0);
}
