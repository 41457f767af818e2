import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Merchant settlement currency and the FX a payment was settled with; the next action kept in the
 * contract's words (the API's shape is derived when shown); a rotated webhook secret kept,
 * sealed, until its overlap ends; created_at indexed for the idempotency sweep.
 */
export class GatewaySettlementSecurity1764600000000 implements MigrationInterface {
  name = 'GatewaySettlementSecurity1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE merchants ADD COLUMN settlement_currency char(3)
      CHECK (settlement_currency ~ '^[A-Z]{3}$')`);
    await runner.query(`
      ALTER TABLE payments
        ADD COLUMN fx_settlement_currency char(3),
        ADD COLUMN fx_rate text,
        ADD COLUMN fx_rate_version text,
        ADD COLUMN fx_authorized_settlement_minor bigint CHECK (fx_authorized_settlement_minor >= 0),
        ADD COLUMN fx_captured_settlement_minor bigint NOT NULL DEFAULT 0
          CHECK (fx_captured_settlement_minor >= 0)`);
    // Next actions written before this migration, in the API's old flat shape, to the contract's.
    await runner.query(`
      UPDATE payments SET next_action = CASE next_action->>'type'
        WHEN 'three_d_secure' THEN jsonb_build_object('type', 'three_d_secure',
          'challengeId', next_action->>'challenge_id', 'expiresAt', next_action->>'expires_at')
        WHEN 'qr_code' THEN jsonb_build_object('type', 'qr_code',
          'qrPayload', next_action->>'qr_code', 'expiresAt', next_action->>'expires_at')
        WHEN 'bank_transfer' THEN jsonb_build_object('type', 'bank_transfer',
          'virtualAccountReference', next_action->>'reference', 'expiresAt', next_action->>'expires_at')
        ELSE NULL END
      WHERE next_action IS NOT NULL`);
    await runner.query(`
      ALTER TABLE webhook_endpoints
        ADD COLUMN previous_secret_key_id text,
        ADD COLUMN previous_secret_iv bytea,
        ADD COLUMN previous_secret_ciphertext bytea,
        ADD COLUMN previous_secret_auth_tag bytea,
        ADD COLUMN previous_secret_expires_at timestamptz`);
    await runner.query('CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX idempotency_keys_created');
    await runner.query(`
      ALTER TABLE webhook_endpoints DROP COLUMN previous_secret_key_id, DROP COLUMN previous_secret_iv,
        DROP COLUMN previous_secret_ciphertext, DROP COLUMN previous_secret_auth_tag,
        DROP COLUMN previous_secret_expires_at`);
    await runner.query(`
      ALTER TABLE payments DROP COLUMN fx_settlement_currency, DROP COLUMN fx_rate,
        DROP COLUMN fx_rate_version, DROP COLUMN fx_authorized_settlement_minor,
        DROP COLUMN fx_captured_settlement_minor`);
    await runner.query('ALTER TABLE merchants DROP COLUMN settlement_currency');
  }
}
