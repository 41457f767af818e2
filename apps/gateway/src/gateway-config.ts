import { z } from 'zod';
import { ConfigError, env, serviceEnvShape } from '@platform/config';
import { VaultKeyError, VaultKeyRing, parseVaultKeys } from './domain/card-vault-crypto';
import { AllowedTargetsError, parseWebhookAllowedTargets } from './domain/webhook-targets';

const PAYMENT_SETTLE_WAIT_MS_MAX = 30_000;

/** A variable parsed by a domain function, whose error (of the given class) becomes the variable's issue. */
function parsedWith<T>(parse: (text: string) => T, errorClass: abstract new (...args: never[]) => Error) {
  return (text: string, context: z.RefinementCtx): T => {
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof errorClass)) throw error;
      context.addIssue({ code: z.ZodIssueCode.custom, message: error.message });
      return z.NEVER;
    }
  };
}

export const gatewayEnvSchema = z.object({
  ...serviceEnvShape({ port: 3000, database: 'platform_gateway' }),
  ADMIN_TOKEN: env.secret(),
  /** `<keyId>:<base64 of 32 bytes>[,...]`: every key that may have sealed a card in the vault. */
  VAULT_KEYS: z.string().transform(parsedWith(parseVaultKeys, VaultKeyError)),
  /** The key new cards are sealed with; must be one of VAULT_KEYS. */
  VAULT_ACTIVE_KEY_ID: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  CARD_FINGERPRINT_SECRET: env.secret(),
  /** How long POST /v1/payments waits for the payment to settle before answering `processing`. */
  PAYMENT_SETTLE_WAIT_MS: env.integer(5_000, 0, PAYMENT_SETTLE_WAIT_MS_MAX),
  /**
   * Payment method types this gateway accepts; others get a clear 400 (payment_method_unavailable)
   * instead of a payment stuck in processing. All three by default.
   */
  PAYMENT_METHODS_ENABLED: z
    .string()
    .regex(
      /^(card|bank_transfer|wallet)(,(card|bank_transfer|wallet))*$/,
      'a comma list of card, bank_transfer, wallet',
    )
    .default('card,bank_transfer,wallet')
    .transform((value) => new Set(value.split(','))),
  /** Requests one API key may make per window, across all gateway instances. */
  RATE_LIMIT_REQUESTS_PER_WINDOW: env.integer(100, 1, 100_000),
  /** Requests all the keys of one merchant may make together per window: more keys, no more requests. */
  MERCHANT_RATE_LIMIT_REQUESTS_PER_WINDOW: env.integer(200, 1, 100_000),
  RATE_LIMIT_WINDOW_SECONDS: env.integer(1, 1, 3_600),
  /** Live (unrevoked) API keys one merchant may hold. */
  API_KEYS_PER_MERCHANT_MAX: env.integer(10, 1, 1_000),
  /** How long an idempotency key's first answer is replayed (at least a day, as promised). */
  IDEMPOTENCY_KEY_TTL_HOURS: env.integer(24, 24, 24 * 30),
  /**
   * How long a request holds its Idempotency-Key beyond the settle wait: a retry after that takes
   * the key over from a holder that died and resumes from what it wrote (or writes it afresh).
   */
  IDEMPOTENCY_LEASE_MARGIN_SECONDS: env.integer(5, 1, 300),
  /**
   * A command the payments service has not answered after this long is sent again (same event id,
   * so at most once in effect), then with doubling pauses up to the maximum.
   */
  COMMAND_REDELIVERY_AFTER_SECONDS: env.integer(30, 5, 86_400),
  COMMAND_REDELIVERY_INTERVAL_SECONDS_MAX: env.integer(600, 5, 86_400),
  /** Webhook retries: delay base * 2^(attempt-1), capped, for at most the window (3 days). */
  WEBHOOK_RETRY_BASE_MS: env.integer(5_000, 100, 3_600_000),
  WEBHOOK_RETRY_MAX_DELAY_MS: env.integer(3_600_000, 1_000, 86_400_000),
  WEBHOOK_RETRY_WINDOW_HOURS: env.integer(72, 1, 24 * 30),
  WEBHOOK_POLL_INTERVAL_MS: env.integer(500, 50, 60_000),
  WEBHOOK_TIMEOUT_MS: env.integer(10_000, 100, 60_000),
  WEBHOOK_BATCH_SIZE: env.integer(10, 1, 100),
  /**
   * `host:port[,host:port...]`: the only internal targets webhooks may reach (local test receivers
   * on 127.0.0.1); empty by default. Checked when an endpoint is created and at each delivery.
   */
  WEBHOOK_ALLOWED_TARGETS: z
    .string()
    .default('')
    .transform(parsedWith(parseWebhookAllowedTargets, AllowedTargetsError)),
  /** Was a blanket switch for private targets; refused so that a deployment setting it notices. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .undefined({ invalid_type_error: 'was removed: list local receivers in WEBHOOK_ALLOWED_TARGETS' })
    .optional(),
  /** After rotate_secret, how long deliveries also carry a signature under the previous secret. */
  WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS: env.integer(24, 0, 24 * 7),
  /** Idempotency rows older than this (and past their replay TTL) are deleted by a sweep. */
  IDEMPOTENCY_RETENTION_HOURS: env.integer(24, 24, 24 * 365),
});

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/**
 * The vault's key ring. Checked while the module is built (at boot): the active key id must name
 * one of the keys, which a per-variable schema cannot express.
 */
export function vaultKeyRingFrom(config: GatewayConfig): VaultKeyRing {
  try {
    return new VaultKeyRing(config.VAULT_KEYS, config.VAULT_ACTIVE_KEY_ID);
  } catch (error) {
    if (error instanceof VaultKeyError) {
      throw new ConfigError('gateway', [{ variable: 'VAULT_ACTIVE_KEY_ID', message: error.message }]);
    }
    throw error;
  }
}
