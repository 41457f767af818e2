import { isIP } from 'node:net';
import {
  VELOCITY_KEYS,
  emailDomain,
  velocityKeyValue,
  type ListKind,
  type PaymentFacts,
  type VelocityKey,
} from './risk-rules';

/**
 * Block-list values: how an entry is written (normalized once, on the way in) and which entries
 * a payment would hit. Pure.
 */

export const LIST_VALUE_LENGTH_MAX = 254;

export type NormalizedValue = { readonly value: string } | { readonly problem: string };

/** The one spelling a list stores, so lookups are exact matches; or why the value is not one. */
export function normalizeListValue(kind: ListKind, raw: string): NormalizedValue {
  const value = raw.trim();
  switch (kind) {
    case 'card_fingerprint':
      return /^[A-Za-z0-9_-]{16,128}$/.test(value)
        ? { value }
        : { problem: 'must be a card fingerprint (16 to 128 letters, digits, _ or -)' };
    case 'bin':
      return /^[0-9]{6}$/.test(value) ? { value } : { problem: 'must be 6 digits' };
    case 'ip':
      return isIP(value) === 0
        ? { problem: 'must be an IPv4 or IPv6 address' }
        : { value: value.toLowerCase() };
    case 'email_domain': {
      const domain = value.toLowerCase().replace(/\.$/, '');
      return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) && domain.length <= LIST_VALUE_LENGTH_MAX
        ? { value: domain }
        : { problem: 'must be a domain such as example.com' };
    }
    case 'country':
      return /^[A-Za-z]{2}$/.test(value)
        ? { value: value.toUpperCase() }
        : { problem: 'must be an ISO 3166-1 alpha-2 country' };
  }
}

/** A domain and each parent with a dot: a listed example.com blocks mail.eu.example.com. */
function domainAndParents(domain: string): string[] {
  const labels = domain.split('.');
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
}

/** The values of a payment to look up, per list; a list with nothing to look up is left out. */
export function listLookupsOf(facts: PaymentFacts): { kind: ListKind; values: string[] }[] {
  const domain = emailDomain(facts.customer.email);
  const ip = facts.customer.ip === undefined ? undefined : normalizeListValue('ip', facts.customer.ip);
  const lookups: { kind: ListKind; values: (string | undefined)[] }[] = [
    { kind: 'card_fingerprint', values: [facts.card?.fingerprint] },
    { kind: 'bin', values: [facts.card?.bin] },
    { kind: 'ip', values: [ip !== undefined && 'value' in ip ? ip.value : undefined] },
    { kind: 'email_domain', values: domain === null ? [] : domainAndParents(domain) },
    { kind: 'country', values: [facts.customer.country?.toUpperCase()] },
  ];
  return lookups
    .map(({ kind, values }) => ({ kind, values: values.filter((value) => value !== undefined) }))
    .filter(({ values }) => values.length > 0);
}

/** The keys a payment is counted under by velocity rules, with its value for each it has. */
export function velocityKeysOf(facts: PaymentFacts): { key: VelocityKey; value: string }[] {
  return VELOCITY_KEYS.flatMap((key) => {
    const value = velocityKeyValue(facts, key);
    return value === undefined || value === '' ? [] : [{ key, value }];
  });
}
