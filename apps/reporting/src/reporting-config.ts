import { z } from 'zod';
import { env, serviceEnvShape } from '@platform/config';
import { DEFAULT_FX_RATE_TABLE, fxRateTableSchema, isKnownCurrency } from '@platform/money';

export const reportingEnvSchema = z.object({
  ...serviceEnvShape({ port: 3004, database: 'platform_reporting' }),
  /** Bearer token of the read-only query API. */
  ANALYST_TOKEN: env.secret(),
  /** Bearer token of the operator endpoints (projection rebuild and status, reconciliation). */
  ADMIN_TOKEN: env.secret(),
  /** Seconds between reconciliations of the active generation (the dashboard and the alert); 0: none. */
  RECONCILIATION_INTERVAL_SECONDS: env.integer(300, 0, 86_400),
  /** The currency the dashboard converts every currency into when no single one is picked. */
  REPORTING_CURRENCY: env
    .string('USD')
    .refine(
      (code) => /^[A-Z]{3}$/.test(code) && isKnownCurrency(code),
      'must be an upper-case ISO 4217 code',
    ),
  /** The FX rate table of those conversions, JSON {version, rates: {"EUR:USD": "1.0842", ...}}. */
  FX_RATES: env.json(fxRateTableSchema, JSON.stringify(DEFAULT_FX_RATE_TABLE)),
});

export type ReportingConfig = z.infer<typeof reportingEnvSchema>;

export const REPORTING_CONFIG = Symbol('REPORTING_CONFIG');
