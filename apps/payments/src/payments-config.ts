import { z } from 'zod';
import { env, serviceEnvShape } from '@platform/config';
import { payoutsEnvShape } from './payouts/payouts-config';
import { settlementEnvShape } from './settlement/settlement-config';
import { DEFAULT_FX_RATE_TABLE, fxRateTableSchema } from '@platform/money';

const processorName = z.string().regex(/^[a-z0-9-]{1,50}$/);
const minorAmount = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,17})$/)
  .transform((value) => BigInt(value));

const routingRuleSchema = z
  .object({
    merchantId: z.string().optional(),
    method: z.enum(['card', 'bank_transfer', 'wallet']).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    amountMinorMin: minorAmount.optional(),
    amountMinorMax: minorAmount.optional(),
    cardCountry: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    processors: z.array(processorName).min(1).max(10),
  })
  .strict();

const rate = z.number().min(0).max(1);

const riskTimeoutPolicy = z.enum(['open', 'closed']);
const riskTimeoutPoliciesSchema = z
  .object({
    default: riskTimeoutPolicy.default('closed'),
    merchants: z.record(z.string().regex(/^mer_[A-Za-z0-9]{8,64}$/), riskTimeoutPolicy).default({}),
  })
  .strict();

export const paymentsEnvSchema = z.object({
  ...serviceEnvShape({ port: 3001, database: 'platform_payments' }),
  /** Bearer token of the operator API (GET /v1/payments/:id, simulated processors' books). */
  ADMIN_TOKEN: env.secret(),
  /** How long an uncaptured authorization lives before it is canceled as expired. */
  AUTHORIZATION_EXPIRY_HOURS: env.integer(168, 1, 720),
  /** Overrides the hours when set (tests use a few seconds). */
  AUTHORIZATION_EXPIRY_SECONDS: z.coerce.number().int().min(1).max(2_592_000).optional(),
  /** How long a customer has for a 3-D Secure challenge. */
  ACTION_EXPIRY_SECONDS: env.integer(900, 1, 604_800),
  /** How often the expiry job looks for authorizations and actions past their lifetime. */
  EXPIRY_SCAN_INTERVAL_MS: env.integer(60_000, 100, 3_600_000),
  /** A processor call past this is a retryable processor_timeout. */
  PROCESSOR_TIMEOUT_MS: env.integer(5_000, 10, 120_000),
  /** Processors tried in this order after the matching routing rule's. */
  PROCESSOR_FALLBACK_ORDER: z
    .string()
    .default('simulated-a,simulated-b')
    .transform((text) => text.split(',').map((name) => name.trim()))
    .pipe(z.array(z.enum(['simulated-a', 'simulated-b'])).min(1)),
  /** JSON array of routing rules: {merchantId?, method?, currency?, amountMinorMin?, amountMinorMax?, cardCountry?, processors}. */
  PROCESSOR_ROUTING_RULES: env.json(z.array(routingRuleSchema).max(200), '[]'),
  SIMULATED_A_LATENCY_MS: env.integer(0, 0, 60_000),
  SIMULATED_B_LATENCY_MS: env.integer(0, 0, 60_000),
  SIMULATED_A_FAILURE_RATE: z.coerce.number().pipe(rate).default(0),
  SIMULATED_B_FAILURE_RATE: z.coerce.number().pipe(rate).default(0),
  /** How long simulated-a sits on an authorization of the timeout test amount before answering. */
  SIMULATED_HANG_MS: env.integer(30_000, 0, 600_000),
  /** How long a bank transfer waits for the customer's bank to pay the virtual account (3 days). */
  BANK_TRANSFER_EXPIRY_SECONDS: env.integer(259_200, 1, 2_592_000),
  /** How long a wallet's QR code can be approved. */
  QR_EXPIRY_SECONDS: env.integer(900, 1, 86_400),
  /** The versioned FX rate table, JSON {version, rates: {"EUR:USD": "1.0842", ...}}. */
  FX_RATES: env.json(fxRateTableSchema, JSON.stringify(DEFAULT_FX_RATE_TABLE)),
  /** How long a new payment waits for risk.assessed before its merchant's timeout policy applies (long enough to ride out a risk restart). */
  RISK_ASSESSMENT_TIMEOUT_SECONDS: env.integer(30, 1, 86_400),
  /** How often payments past their risk deadline are looked for. */
  RISK_TIMEOUT_SCAN_INTERVAL_MS: env.integer(1_000, 100, 3_600_000),
  /** JSON {default: 'open'|'closed', merchants: {mer_x: 'open'}}: what a risk timeout does. */
  RISK_TIMEOUT_POLICY: env.json(riskTimeoutPoliciesSchema, '{"default":"closed","merchants":{}}'),
  /**
   * Control totals: every window of this many seconds, payments reports each merchant's captures,
   * refunds and payouts to the ledger (payments.control), once the window ended this grace ago (it
   * must outlast the longest transaction: one that started inside the window commits within it).
   */
  CONTROL_WINDOW_SECONDS: env.integer(60, 1, 3_600),
  CONTROL_REPORT_GRACE_SECONDS: env.integer(120, 1, 86_400),
  ...settlementEnvShape,
  ...payoutsEnvShape,
});

export type PaymentsConfig = z.infer<typeof paymentsEnvSchema>;

export const PAYMENTS_CONFIG = Symbol('PAYMENTS_CONFIG');

/** The authorization lifetime in milliseconds. */
export function authorizationExpiryMs(config: PaymentsConfig): number {
  return (config.AUTHORIZATION_EXPIRY_SECONDS ?? config.AUTHORIZATION_EXPIRY_HOURS * 3600) * 1000;
}
