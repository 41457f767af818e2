/**
 * Which processors a payment goes to, in order: the first matching per-merchant (or global) rule
 * names the preferred processors, the platform's fallback order fills in the rest. Pure.
 */

export interface RoutingRule {
  /** Absent: a platform-wide rule. Merchant rules are tried before platform-wide ones. */
  readonly merchantId?: string;
  readonly method?: 'card' | 'bank_transfer' | 'wallet';
  readonly currency?: string;
  /** Inclusive bounds in the payment's minor units. */
  readonly amountMinorMin?: bigint;
  readonly amountMinorMax?: bigint;
  readonly cardCountry?: string;
  readonly processors: readonly string[];
}

export interface RoutingFacts {
  readonly merchantId: string;
  readonly method: 'card' | 'bank_transfer' | 'wallet';
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly cardCountry?: string;
}

export function ruleMatches(rule: RoutingRule, facts: RoutingFacts): boolean {
  return (
    (rule.merchantId === undefined || rule.merchantId === facts.merchantId) &&
    (rule.method === undefined || rule.method === facts.method) &&
    (rule.currency === undefined || rule.currency === facts.currency) &&
    (rule.amountMinorMin === undefined || facts.amountMinor >= rule.amountMinorMin) &&
    (rule.amountMinorMax === undefined || facts.amountMinor <= rule.amountMinorMax) &&
    (rule.cardCountry === undefined || rule.cardCountry === facts.cardCountry)
  );
}

/** The processors to try, best first, each once: the matching rule's, then the fallback order. */
export function routeFor(
  rules: readonly RoutingRule[],
  facts: RoutingFacts,
  fallbackOrder: readonly string[],
): string[] {
  const merchantRules = rules.filter((rule) => rule.merchantId !== undefined);
  const platformRules = rules.filter((rule) => rule.merchantId === undefined);
  const matched = [...merchantRules, ...platformRules].find((rule) => ruleMatches(rule, facts));
  return [...new Set([...(matched?.processors ?? []), ...fallbackOrder])];
}
