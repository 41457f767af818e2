import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '@platform/config';
import { gatewayEnvSchema, vaultKeyRingFrom } from './gateway-config';

const KEY_1 = randomBytes(32).toString('base64');
const KEY_2 = randomBytes(32).toString('base64');
const BASE = {
  ADMIN_TOKEN: 'adm_0123456789abcdef',
  VAULT_KEYS: `k1:${KEY_1}`,
  VAULT_ACTIVE_KEY_ID: 'k1',
  CARD_FINGERPRINT_SECRET: 'fp_0123456789abcdef',
};

function issuesOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig('gateway', gatewayEnvSchema, env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => issue.variable);
  }
}

describe('gateway config', () => {
  it('has checked defaults', () => {
    const config = loadConfig('gateway', gatewayEnvSchema, BASE);
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/platform_gateway');
    expect(config.PAYMENT_SETTLE_WAIT_MS).toBe(5000);
    expect(config.VAULT_KEYS).toEqual([{ id: 'k1', key: Buffer.from(KEY_1, 'base64') }]);
    expect([...config.PAYMENT_METHODS_ENABLED].sort()).toEqual(['bank_transfer', 'card', 'wallet']);
    expect([...config.WEBHOOK_ALLOWED_TARGETS]).toEqual([]);
    expect(config.API_KEYS_PER_MERCHANT_MAX).toBe(10);
    expect(config.MERCHANT_RATE_LIMIT_REQUESTS_PER_WINDOW).toBe(200);
    expect(config.WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS).toBe(24);
    expect(config.IDEMPOTENCY_RETENTION_HOURS).toBe(24);
    expect(config.AUTH_FAILURES_PER_WINDOW).toBe(20);
    expect(config.AUTH_FAILURE_WINDOW_SECONDS).toBe(300);
  });

  it('narrows the payment methods, allows internal webhook targets only by host:port, keeps a day of keys', () => {
    const config = loadConfig('gateway', gatewayEnvSchema, {
      ...BASE,
      PAYMENT_METHODS_ENABLED: 'card',
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1:4567,[::1]:4567',
    });
    expect([...config.PAYMENT_METHODS_ENABLED]).toEqual(['card']);
    expect([...config.WEBHOOK_ALLOWED_TARGETS]).toEqual(['127.0.0.1:4567', '[::1]:4567']);
    expect(issuesOf({ ...BASE, PAYMENT_METHODS_ENABLED: 'card,paypal' })).toEqual([
      'PAYMENT_METHODS_ENABLED',
    ]);
    expect(issuesOf({ ...BASE, WEBHOOK_ALLOWED_TARGETS: '10.0.0.0/8' })).toEqual(['WEBHOOK_ALLOWED_TARGETS']);
    // The blanket switch is gone; a deployment still setting it hears so instead of losing webhooks quietly.
    expect(issuesOf({ ...BASE, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' })).toEqual([
      'WEBHOOK_ALLOW_PRIVATE_TARGETS',
    ]);
    expect(issuesOf({ ...BASE, IDEMPOTENCY_RETENTION_HOURS: '23' })).toEqual(['IDEMPOTENCY_RETENTION_HOURS']);
  });

  it('lists every missing secret at once', () => {
    expect(issuesOf({}).sort()).toEqual(
      ['ADMIN_TOKEN', 'CARD_FINGERPRINT_SECRET', 'VAULT_ACTIVE_KEY_ID', 'VAULT_KEYS'].sort(),
    );
  });

  it('rejects a key that is not 32 bytes and a settle wait out of range', () => {
    expect(issuesOf({ ...BASE, VAULT_KEYS: `k1:${randomBytes(24).toString('base64')}` })).toEqual([
      'VAULT_KEYS',
    ]);
    expect(issuesOf({ ...BASE, PAYMENT_SETTLE_WAIT_MS: '30001' })).toEqual(['PAYMENT_SETTLE_WAIT_MS']);
    expect(issuesOf({ ...BASE, PAYMENT_SETTLE_WAIT_MS: '-1' })).toEqual(['PAYMENT_SETTLE_WAIT_MS']);
  });

  it('builds the key ring with the active key, which must be one of the keys', () => {
    const config = loadConfig('gateway', gatewayEnvSchema, {
      ...BASE,
      VAULT_KEYS: `k1:${KEY_1},k2:${KEY_2}`,
      VAULT_ACTIVE_KEY_ID: 'k2',
    });
    expect(vaultKeyRingFrom(config).activeKeyId).toBe('k2');
    const wrong = loadConfig('gateway', gatewayEnvSchema, { ...BASE, VAULT_ACTIVE_KEY_ID: 'k3' });
    expect(() => vaultKeyRingFrom(wrong)).toThrow(ConfigError);
  });
});
