/**
 * What happens to a payment whose risk assessment does not arrive in time. Fail closed (the
 * default) fails it as risk_declined: nothing unscreened reaches a processor. Fail open sends it
 * to the processor as if approved, marked unscreened: a merchant that prefers a lost sale to a
 * blocked one chooses this. Pure.
 */

export type RiskTimeoutPolicy = 'open' | 'closed';

export interface RiskTimeoutPolicies {
  readonly default: RiskTimeoutPolicy;
  /** Per-merchant overrides of the default. */
  readonly merchants: Readonly<Record<string, RiskTimeoutPolicy>>;
}

export const DEFAULT_RISK_TIMEOUT_POLICIES: RiskTimeoutPolicies = Object.freeze({
  default: 'closed',
  merchants: Object.freeze({}),
});

export function riskTimeoutPolicyFor(policies: RiskTimeoutPolicies, merchantId: string): RiskTimeoutPolicy {
  return policies.merchants[merchantId] ?? policies.default;
}
