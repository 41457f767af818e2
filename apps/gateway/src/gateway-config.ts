import { z } from 'zod';
import { ConfigError, env, serviceEnvShape } from '@platform/config';
import { VaultKeyError, VaultKeyRing, parseVaultKeys, type VaultKey } from './domain/card-vault-crypto';

const PAYMENT_SETTLE_WAIT_MS_MAX = 30_000;

const vaultKeys = z.string().transform((text, context): VaultKey[] => {
  try {
    return parseVaultKeys(text);
  } catch (error) {
    if (!(error instanceof VaultKeyError)) throw error;
    context.addIssue({ code: z.ZodIssueCode.custom, message: error.message });
    return z.NEVER;
  }
});

export const gatewayEnvSchema = z.object({
  ...serviceEnvShape({ port: 3000, database: 'platform_gateway' }),
  ADMIN_TOKEN: env.secret(),
  /** `<keyId>:<base64 of 32 bytes>[,...]`: every key that may have sealed a card in the vault. */
  VAULT_KEYS: vaultKeys,
  /** The key new cards are sealed with; must be one of VAULT_KEYS. */
  VAULT_ACTIVE_KEY_ID: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  CARD_FINGERPRINT_SECRET: env.secret(),
  /** How long POST /v1/payments waits for the payment to settle before answering `processing`. */
  PAYMENT_SETTLE_WAIT_MS: env.integer(5_000, 0, PAYMENT_SETTLE_WAIT_MS_MAX),
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
