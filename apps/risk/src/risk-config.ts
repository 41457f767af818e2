import { z } from 'zod';
import { env, serviceEnvShape } from '@platform/config';
import { DEFAULT_FX_RATE_TABLE, fxRateTableSchema, isKnownCurrency } from '@platform/money';
import { DEFAULT_IP_COUNTRY_RANGES, parseIpCountryRanges } from './domain/ip-country';

export const riskEnvSchema = z.object({
  ...serviceEnvShape({ port: 3002, database: 'platform_risk' }),
  /** Bearer token of the admin API (review queue, rules, lists, assessments). */
  ADMIN_TOKEN: env.secret(),
  /**
   * Key of the HMAC-SHA256 that stands in for a customer's id, email and IP in the velocity table
   * and in assessments: equal values still count together, the plain values are never stored.
   * Changing it restarts the velocity counts of those keys.
   */
  RISK_KEY_HASH_SECRET: env.secret(),
  /**
   * Where IPs are, for the card-country check: a JSON object of IPv4 CIDR range to ISO country.
   * The default maps the three documentation ranges (RFC 5737) to US, GB and JP.
   */
  IP_COUNTRY_RANGES: env.string(DEFAULT_IP_COUNTRY_RANGES).superRefine((value, context) => {
    try {
      parseIpCountryRanges(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  /** How often velocity observations older than the longest window in use are deleted. */
  VELOCITY_PRUNE_INTERVAL_MS: env.integer(60_000, 100, 3_600_000),
  /** Observations are kept at least this long, so a velocity rule added later counts from the start. */
  VELOCITY_RETENTION_MIN_HOURS: env.integer(24, 0, 24 * 30),
  /** The currency of amount thresholds that name none (amount_above, new_card_large_amount). */
  RISK_REFERENCE_CURRENCY: env
    .string('USD')
    .refine(
      (code) => /^[A-Z]{3}$/.test(code) && isKnownCurrency(code),
      'must be an upper-case ISO 4217 code',
    ),
  /** The rate table converting payments into it: the same shape and default as payments' FX_RATES. */
  FX_RATES: env.json(fxRateTableSchema, JSON.stringify(DEFAULT_FX_RATE_TABLE)),
});

export type RiskConfig = z.infer<typeof riskEnvSchema>;

export const RISK_CONFIG = Symbol('RISK_CONFIG');
