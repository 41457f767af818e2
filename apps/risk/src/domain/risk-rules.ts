/**
 * Risk rules as data: what a rule looks at (kind and params), what it does when it matches
 * (action), how much it adds to the score (weight) and whether it counts (enforce) or is only
 * observed (shadow). Pure: no Nest, TypeORM or Kafka.
 */
import { DEFAULT_FX_RATE_TABLE, convertMinor, isKnownCurrency, type FxRateTable } from '@platform/money';

export type RuleAction = 'block' | 'review' | 'allow';
export type RuleMode = 'enforce' | 'shadow';

/** The block lists, global or a merchant's: one kind of value each. */
export const LIST_KINDS = ['card_fingerprint', 'bin', 'ip', 'email_domain', 'country'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** What a velocity rule counts payments by. */
export const VELOCITY_KEYS = ['card_fingerprint', 'customer', 'email', 'ip'] as const;
export type VelocityKey = (typeof VELOCITY_KEYS)[number];

/** Rules that read only lists or facts take no params. */
export type NoParams = Readonly<Record<never, never>>;

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
  /**
   * Matches amounts strictly above amountMinor. With a currency, only payments in it; without,
   * amountMinor is in the reference currency and every payment is converted into it first.
   */
  readonly params: { readonly amountMinor: bigint; readonly currency?: string };
}

/** The block-list rules match a value written in the rule or on a list of their kind. */
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

/** Card fingerprints are only known once the gateway computed them: they live on lists only. */
export interface BlockedCardFingerprintRule extends RuleBase {
  readonly kind: 'blocked_card_fingerprint';
  readonly params: NoParams;
}

export interface BlockedIpRule extends RuleBase {
  readonly kind: 'blocked_ip';
  readonly params: NoParams;
}

/**
 * Too many payments (or too much money) of one merchant sharing a key within a sliding window.
 * The payment being assessed counts: maxCount 3 lets three through and matches the fourth.
 */
export interface VelocityRule extends RuleBase {
  readonly kind: 'velocity';
  readonly params: {
    readonly key: VelocityKey;
    readonly windowSeconds: number;
    readonly maxCount?: number;
    /** Per currency: only payments in the assessed payment's currency are summed. */
    readonly maxSumMinor?: Readonly<Record<string, bigint>>;
  };
}

/** The card's issuing country differs from where the customer is (their IP, else their stated country). */
export interface CardIpCountryMismatchRule extends RuleBase {
  readonly kind: 'card_ip_country_mismatch';
  readonly params: NoParams;
}

/** A card the merchant never saw, or first saw less than newWithinHours ago, paying above amountMinor. */
export interface NewCardLargeAmountRule extends RuleBase {
  readonly kind: 'new_card_large_amount';
  readonly params: {
    readonly amountMinor: bigint;
    readonly currency?: string;
    readonly newWithinHours: number;
  };
}

export type RiskRule =
  | AmountAboveRule
  | BlockedBinRule
  | BlockedEmailDomainRule
  | BlockedCountryRule
  | BlockedCardFingerprintRule
  | BlockedIpRule
  | VelocityRule
  | CardIpCountryMismatchRule
  | NewCardLargeAmountRule;
export type RuleKind = RiskRule['kind'];

export const RULE_KINDS: readonly RuleKind[] = [
  'amount_above',
  'blocked_bin',
  'blocked_email_domain',
  'blocked_country',
  'blocked_card_fingerprint',
  'blocked_ip',
  'velocity',
  'card_ip_country_mismatch',
  'new_card_large_amount',
];

/** The list each block-list rule reads. */
export const LIST_OF_RULE: Readonly<Partial<Record<RuleKind, ListKind>>> = {
  blocked_card_fingerprint: 'card_fingerprint',
  blocked_bin: 'bin',
  blocked_ip: 'ip',
  blocked_email_domain: 'email_domain',
  blocked_country: 'country',
};

export interface RuleSet {
  /** Stored with every assessment, so a decision can be explained with the rules that made it. */
  readonly version: string;
  readonly rules: readonly RiskRule[];
}

/** Earlier payments in a velocity window: how many, and their sum in the assessed payment's currency. */
export interface WindowTotals {
  readonly count: number;
  readonly sumMinor: bigint;
}

/** What risk knows about a payment: no card number, only the card's display data. */
export interface PaymentFacts {
  readonly amountMinor: bigint;
  readonly currency: string;
  /** Absent for payment methods without a card (bank transfers, wallets). */
  readonly card?: {
    readonly bin: string;
    readonly last4: string;
    readonly brand: string;
    readonly fingerprint?: string;
    /** Issuing country. */
    readonly country?: string;
  };
  readonly customer: {
    readonly id?: string;
    readonly email?: string;
    readonly country?: string;
    readonly ip?: string;
  };
  /** Country of customer.ip from the configured ranges; absent when the IP is unknown there. */
  readonly ipCountry?: string;
  /** The lists (global or the merchant's) one of this payment's values is on. */
  readonly listed?: ReadonlySet<ListKind>;
  /** Earlier payments of the merchant per velocity window, by velocityWindowId; none when absent. */
  readonly velocity?: ReadonlyMap<string, WindowTotals>;
  /** Seconds since the merchant first saw this card; absent when it never did. */
  readonly cardSeenForSeconds?: number;
}

export const RULE_ID_LENGTH_MAX = 60;
export const RULES_MAX = 50;
/** The longest velocity window, and so how long velocity observations are kept at most. */
export const VELOCITY_WINDOW_SECONDS_MAX = 30 * 24 * 3_600;
export const NEW_CARD_HOURS_MAX = 30 * 24;

/** The velocity window a rule reads: rules with the same key and window share one count. */
export function velocityWindowId(params: Pick<VelocityRule['params'], 'key' | 'windowSeconds'>): string {
  return `${params.key}:${params.windowSeconds}`;
}

/** The payment's value for a velocity key, undefined when it has none (no card, no email...). */
export function velocityKeyValue(facts: PaymentFacts, key: VelocityKey): string | undefined {
  switch (key) {
    case 'card_fingerprint':
      return facts.card?.fingerprint;
    case 'customer':
      return facts.customer.id;
    case 'email':
      return facts.customer.email?.trim().toLowerCase();
    case 'ip':
      return facts.customer.ip?.trim().toLowerCase();
  }
}

/**
 * What an amount threshold without a currency is written in, and the rate table that converts a
 * payment into it (the platform's, from libs/money; risk's FX_RATES and RISK_REFERENCE_CURRENCY).
 */
export interface AmountReference {
  readonly currency: string;
  readonly table: FxRateTable;
}

export const DEFAULT_AMOUNT_REFERENCE: AmountReference = Object.freeze({
  currency: 'USD',
  table: DEFAULT_FX_RATE_TABLE,
});

/**
 * The payment's amount in minor units of `currency`: as is in that currency, else converted with
 * the table's direct rate (exponents applied, rounded half away from zero); null without a rate.
 */
export function amountIn(facts: PaymentFacts, currency: string, table: FxRateTable): bigint | null {
  if (facts.currency === currency) return facts.amountMinor;
  const rate = table.rates[`${facts.currency}:${currency}`];
  return rate === undefined ? null : convertMinor(facts.amountMinor, facts.currency, currency, rate);
}

// Raw minor units of two currencies are never compared: 1,000,001 JPY is not above 10,000.00 USD.
function amountMatches(
  params: { amountMinor: bigint; currency?: string },
  facts: PaymentFacts,
  reference: AmountReference,
): boolean {
  if (params.currency !== undefined) {
    return params.currency === facts.currency && facts.amountMinor > params.amountMinor;
  }
  const converted = amountIn(facts, reference.currency, reference.table);
  return converted !== null && converted > params.amountMinor;
}

export function ruleMatches(
  rule: RiskRule,
  facts: PaymentFacts,
  reference: AmountReference = DEFAULT_AMOUNT_REFERENCE,
): boolean {
  const listed = LIST_OF_RULE[rule.kind];
  if (listed !== undefined && facts.listed?.has(listed) === true) return true;
  switch (rule.kind) {
    case 'amount_above':
      return amountMatches(rule.params, facts, reference);
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
    case 'blocked_card_fingerprint':
    case 'blocked_ip':
      return false;
    case 'velocity': {
      if (velocityKeyValue(facts, rule.params.key) === undefined) return false;
      const earlier = facts.velocity?.get(velocityWindowId(rule.params)) ?? { count: 0, sumMinor: 0n };
      const maxSum = rule.params.maxSumMinor?.[facts.currency];
      return (
        (rule.params.maxCount !== undefined && earlier.count + 1 > rule.params.maxCount) ||
        (maxSum !== undefined && earlier.sumMinor + facts.amountMinor > maxSum)
      );
    }
    case 'card_ip_country_mismatch': {
      const issued = facts.card?.country;
      const located = facts.ipCountry ?? facts.customer.country;
      return issued !== undefined && located !== undefined && issued.toUpperCase() !== located.toUpperCase();
    }
    case 'new_card_large_amount':
      return (
        facts.card?.fingerprint !== undefined &&
        amountMatches(rule.params, facts, reference) &&
        (facts.cardSeenForSeconds === undefined ||
          facts.cardSeenForSeconds < rule.params.newWithinHours * 3_600)
      );
  }
}

/** The domain of an email, lower-cased, or null when it has none. */
export function emailDomain(email: string | undefined): string | null {
  if (email === undefined) return null;
  const at = email.lastIndexOf('@');
  if (at < 0 || at === email.length - 1) return null;
  return email
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');
}

const CURRENCY = /^[A-Z]{3}$/;
const knownCurrency = (code: string) => CURRENCY.test(code) && isKnownCurrency(code);

/** Every problem of a rule set (empty when it is sound); checked at boot and by the admin API. */
export function validateRuleSet(ruleSet: RuleSet): string[] {
  const problems: string[] = [];
  if (ruleSet.version.trim() === '') problems.push('version: must not be empty');
  if (ruleSet.rules.length > RULES_MAX) problems.push(`rules: at most ${RULES_MAX}`);
  const seen = new Set<string>();
  for (const rule of ruleSet.rules) {
    const at = `rule ${rule.id}`;
    problems.push(...idProblemsOf(rule).map((problem) => `${at}: ${problem}`));
    if (seen.has(rule.id)) problems.push(`${at}: duplicate id`);
    seen.add(rule.id);
    const others = [...weightProblemsOf(rule), ...paramProblems(rule)];
    problems.push(...others.map((problem) => `${at}: ${problem}`));
  }
  return problems;
}

/** The problems of one rule on its own (its id, weight and params), for the admin API to point at it. */
export function ruleProblems(rule: RiskRule): string[] {
  return [...idProblemsOf(rule), ...weightProblemsOf(rule), ...paramProblems(rule)];
}

function idProblemsOf(rule: RiskRule): string[] {
  return /^[a-z0-9][a-z0-9_.-]*$/.test(rule.id) && rule.id.length <= RULE_ID_LENGTH_MAX
    ? []
    : [`id must be lower-case letters, digits, '_', '.', '-', at most ${RULE_ID_LENGTH_MAX}`];
}

function weightProblemsOf(rule: RiskRule): string[] {
  return Number.isInteger(rule.weight) && rule.weight >= 0 && rule.weight <= 100
    ? []
    : ['weight must be an integer from 0 to 100'];
}

function paramProblems(rule: RiskRule): string[] {
  const problems: string[] = [];
  switch (rule.kind) {
    case 'amount_above':
      if (rule.params.amountMinor < 0n) problems.push('amountMinor must not be negative');
      if (rule.params.currency !== undefined && !knownCurrency(rule.params.currency)) {
        problems.push('currency must be an upper-case ISO 4217 code');
      }
      break;
    case 'blocked_bin':
      for (const bin of rule.params.bins) {
        if (!/^[0-9]{6}$/.test(bin)) problems.push(`bin ${JSON.stringify(bin)} must be 6 digits`);
      }
      break;
    case 'blocked_email_domain':
      for (const domain of rule.params.domains) {
        if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(domain)) {
          problems.push(`${JSON.stringify(domain)} is not a domain`);
        }
      }
      break;
    case 'blocked_country':
      for (const country of rule.params.countries) {
        if (!/^[A-Z]{2}$/.test(country)) problems.push(`${JSON.stringify(country)} is not an ISO country`);
      }
      break;
    case 'blocked_card_fingerprint':
    case 'blocked_ip':
    case 'card_ip_country_mismatch':
      break;
    case 'velocity': {
      const { key, windowSeconds, maxCount, maxSumMinor } = rule.params;
      if (!VELOCITY_KEYS.includes(key)) problems.push(`key must be one of ${VELOCITY_KEYS.join(', ')}`);
      if (
        !Number.isInteger(windowSeconds) ||
        windowSeconds < 1 ||
        windowSeconds > VELOCITY_WINDOW_SECONDS_MAX
      ) {
        problems.push(`windowSeconds must be an integer from 1 to ${VELOCITY_WINDOW_SECONDS_MAX}`);
      }
      if (maxCount === undefined && maxSumMinor === undefined) {
        problems.push('needs maxCount or maxSumMinor');
      }
      if (maxCount !== undefined && (!Number.isInteger(maxCount) || maxCount < 0 || maxCount > 1_000_000)) {
        problems.push('maxCount must be an integer from 0 to 1000000');
      }
      for (const [currency, max] of Object.entries(maxSumMinor ?? {})) {
        if (!CURRENCY.test(currency)) problems.push(`${JSON.stringify(currency)} is not an ISO 4217 code`);
        if (max < 0n) problems.push(`maxSumMinor of ${currency} must not be negative`);
      }
      break;
    }
    case 'new_card_large_amount': {
      const { amountMinor, currency, newWithinHours } = rule.params;
      if (amountMinor < 0n) problems.push('amountMinor must not be negative');
      if (currency !== undefined && !knownCurrency(currency)) {
        problems.push('currency must be an upper-case ISO 4217 code');
      }
      if (!Number.isInteger(newWithinHours) || newWithinHours < 0 || newWithinHours > NEW_CARD_HOURS_MAX) {
        problems.push(`newWithinHours must be an integer from 0 to ${NEW_CARD_HOURS_MAX}`);
      }
      break;
    }
  }
  return problems;
}

/** The platform-wide rules a fresh database starts with (the migration seeds the same). */
export const DEFAULT_RULE_SET: RuleSet = Object.freeze({
  version: 'global.v1',
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
    {
      id: 'global-blocked-cards',
      kind: 'blocked_card_fingerprint',
      params: {},
      action: 'block',
      weight: 100,
      mode: 'enforce',
    },
    {
      id: 'global-blocked-ips',
      kind: 'blocked_ip',
      params: {},
      action: 'block',
      weight: 100,
      mode: 'enforce',
    },
    {
      id: 'global-blocked-email-domains',
      kind: 'blocked_email_domain',
      params: { domains: [] },
      action: 'block',
      weight: 100,
      mode: 'enforce',
    },
    {
      id: 'global-blocked-countries',
      kind: 'blocked_country',
      params: { countries: [] },
      action: 'block',
      weight: 100,
      mode: 'enforce',
    },
  ] satisfies RiskRule[]),
});
