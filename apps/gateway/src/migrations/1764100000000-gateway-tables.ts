import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Merchants and their API keys, the card vault, and the gateway's read model of payments. */
export class GatewayTables1764100000000 implements MigrationInterface {
  name = 'GatewayTables1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE merchants (
        id text PRIMARY KEY,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        api_key_hash text NOT NULL UNIQUE CHECK (api_key_hash ~ '^[0-9a-f]{64}$'),
        api_key_last4 text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The only place a card number lives, encrypted (AES-256-GCM); the CVC is stored nowhere.
    await runner.query(`
      CREATE TABLE card_vault (
        token text PRIMARY KEY,
        merchant_id text NOT NULL REFERENCES merchants (id),
        key_id text NOT NULL,
        iv bytea NOT NULL,
        ciphertext bytea NOT NULL,
        auth_tag bytea NOT NULL,
        fingerprint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX card_vault_fingerprint ON card_vault (fingerprint)');
    await runner.query(`
      CREATE TABLE payments (
        id text PRIMARY KEY,
        merchant_id text NOT NULL REFERENCES merchants (id),
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency char(3) NOT NULL,
        status text NOT NULL
          CHECK (status IN ('processing', 'requires_capture', 'requires_action', 'succeeded', 'failed')),
        capture_method text NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
        amount_captured_minor bigint NOT NULL DEFAULT 0 CHECK (amount_captured_minor >= 0),
        card_token text NOT NULL REFERENCES card_vault (token),
        card_brand text NOT NULL,
        card_last4 char(4) NOT NULL,
        card_exp_month smallint NOT NULL,
        card_exp_year smallint NOT NULL,
        card_fingerprint text NOT NULL,
        customer jsonb,
        description text,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        failure_code text,
        failure_message text,
        correlation_id text NOT NULL,
        last_event_sequence integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      'CREATE INDEX payments_merchant_created ON payments (merchant_id, created_at DESC, id DESC)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE payments');
    await runner.query('DROP TABLE card_vault');
    await runner.query('DROP TABLE merchants');
  }
}
