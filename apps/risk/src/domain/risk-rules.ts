/**
 * Risk rules as data: what a rule looks at (kind and params), what it does when it matches
 * (action), how much it adds to the score (weight) and whether it counts (enforce) or is only
 * observed (shadow). Pure: no Nest, TypeORM or Kafka.
 */

export type RuleAction = 'block' | 'review' | 'allow';
export type RuleMode = 'enforce' | 'shadow';

interface RuleBase {
  /** Stable and readable: it is the reason an assessment carries (at most 60 characters). */
  readonly id: string;
  readonly action: RuleAction;
  /** 0..100, added to the score when an enforced rule matches. */
  readonly weight: number;
  readonly mode: RuleMode;
}

export interface AmountAboveRule extends RuleBase {
  readonly kind: 'amount_above';
  /** Matches amounts strictly above amountMinor; in any currency unless one is named. */
  readonly params: { readonly amountMinor: bigint; readonly currency?: string };
}

export interface BlockedBinRule extends RuleBase {
  readonly kind: 'blocked_bin';
  readonly params: { readonly bins: readonly string[] };
}

export interface BlockedEmailDomainRule extends RuleBase {
  readonly kind: 'blocked_email_domain';
  /** Matches the domain itself and its subdomains, case-insensitively. */
  readonly params: { readonly domains: readonly string[] };
}

export interface BlockedCountryRule extends RuleBase {
  readonly kind: 'blocked_country';
  /** ISO 3166-1 alpha-2 codes, matched against the customer's country. */
  readonly params: { readonly countries: readonly string[] };
}

export type RiskRule = AmountAboveRule | BlockedBinRule | BlockedEmailDomainRule | BlockedCountryRule;
export type RuleKind = RiskRule['kind'];

export interface RuleSet {
  /** Stored with every assessment, so a decision can be explained with the rules that made it. */
  readonly version: string;
  readonly rules: readonly RiskRule[];
}

/** What risk knows about a payment: no card number, only the card's display data. */
export interface PaymentFacts {
  readonly amountMinor: bigint;
  readonly currency: string;
  /** Absent for payment methods without a card (bank transfers, wallets). */
  readonly card?: { readonly bin: string; readonly last4: string; readonly brand: string };
  readonly customer: { readonly email?: string; readonly country?: string; readonly ip?: string };
}

export const RULE_ID_LENGTH_MAX = 60;
export const RULES_MAX = 50;

export function ruleMatches(rule: RiskRule, facts: PaymentFacts): boolean {
  switch (rule.kind) {
    case 'amount_above':
      return (
        (rule.params.currency === undefined || rule.params.currency === facts.currency) &&
        facts.amountMinor > rule.params.amountMinor
      );
    case 'blocked_bin':
      return facts.card !== undefined && rule.params.bins.includes(facts.card.bin);
    case 'blocked_email_domain': {
      const domain = emailDomain(facts.customer.email);
      if (domain === null) return false;
      return rule.params.domains.some((blocked) => {
        const normalized = blocked.toLowerCase();
        return domain === normalized || domain.endsWith(`.${normalized}`);
      });
    }
    case 'blocked_country': {
      const country = facts.customer.country?.toUpperCase();
      return (
        country !== undefined && rule.params.countries.some((blocked) => blocked.toUpperCase() === country)
      );
    }
  }
}

function emailDomain(email: string | undefined): string | null {
  if (email === undefined) return null;
  const at = email.lastIndexOf('@');
  if (at < 0 || at === email.length - 1) return null;
  return email
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');
}

/** Every problem of a rule set (empty when it is sound); checked at boot and by the later admin API. */
export function validateRuleSet(ruleSet: RuleSet): string[] {
  const problems: string[] = [];
  if (ruleSet.version.trim() === '') problems.push('version: must not be empty');
  if (ruleSet.rules.length > RULES_MAX) problems.push(`rules: at most ${RULES_MAX}`);
  const seen = new Set<string>();
  for (const rule of ruleSet.rules) {
    const at = `rule ${rule.id}`;
    if (!/^[a-z0-9][a-z0-9_.-]*$/.test(rule.id) || rule.id.length > RULE_ID_LENGTH_MAX) {
      problems.push(
        `${at}: id must be lower-case letters, digits, '_', '.', '-', at most ${RULE_ID_LENGTH_MAX}`,
      );
    }
    if (seen.has(rule.id)) problems.push(`${at}: duplicate id`);
    seen.add(rule.id);
    if (!Number.isInteger(rule.weight) || rule.weight < 0 || rule.weight > 100) {
      problems.push(`${at}: weight must be an integer from 0 to 100`);
    }
    switch (rule.kind) {
      case 'amount_above':
        if (rule.params.amountMinor < 0n) problems.push(`${at}: amountMinor must not be negative`);
        if (rule.params.currency !== undefined && !/^[A-Z]{3}$/.test(rule.params.currency)) {
          problems.push(`${at}: currency must be an upper-case ISO 4217 code`);
        }
        break;
      case 'blocked_bin':
        for (const bin of rule.params.bins) {
          if (!/^[0-9]{6}$/.test(bin)) problems.push(`${at}: bin ${JSON.stringify(bin)} must be 6 digits`);
        }
        break;
      case 'blocked_email_domain':
        for (const domain of rule.params.domains) {
          if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(domain)) {
            problems.push(`${at}: ${JSON.stringify(domain)} is not a domain`);
          }
        }
        break;
      case 'blocked_country':
        for (const country of rule.params.countries) {
          if (!/^[A-Z]{2}$/.test(country))
            problems.push(`${at}: ${JSON.stringify(country)} is not an ISO country`);
        }
        break;
    }
  }
  return problems;
}

/** The platform-wide rules until rules are managed through the admin API. */
export const DEFAULT_RULE_SET: RuleSet = Object.freeze({
  version: 'default.1',
  rules: Object.freeze([
    {
      id: 'global-high-amount',
      kind: 'amount_above',
      params: { amountMinor: 1_000_000n },
      action: 'review',
      weight: 60,
      mode: 'enforce',
    },
    {
      id: 'global-blocked-bins',
      kind: 'blocked_bin',
      params: { bins: [] },
      action: 'block',
      weight: 100,
      mode: 'enforce',
    },
  ] satisfies RiskRule[]),
});
