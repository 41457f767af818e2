import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The merchant API beyond payments: revocable API keys, idempotency claims, refunds, balances
 * from the ledger, merchant-visible events, the per-key rate-limit windows, and the payment
 * statuses and amounts that captures, cancels and refunds bring.
 */
export class GatewayMerchantApi1764200000000 implements MigrationInterface {
  name = 'GatewayMerchantApi1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        merchant_id text NOT NULL REFERENCES merchants (id),
        key_hash text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
        key_last4 text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await runner.query('CREATE INDEX api_keys_merchant ON api_keys (merchant_id, created_at)');
    // Keys issued before this table existed stay valid.
    await runner.query(`
      INSERT INTO api_keys (id, merchant_id, key_hash, key_last4, created_at)
      SELECT 'key_' || substr(api_key_hash, 1, 24), id, api_key_hash, api_key_last4, created_at FROM merchants`);

    // request_hash is an HMAC (keyed) of method, path and body: a body may hold a card number.
    await runner.query(`
      CREATE TABLE idempotency_keys (
        merchant_id text NOT NULL REFERENCES merchants (id),
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL CHECK (state IN ('in_progress', 'completed')),
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (merchant_id, idempotency_key)
      )`);
    await runner.query('CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at)');

    await runner.query('ALTER TABLE payments DROP CONSTRAINT payments_status_check');
    await runner.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN
        ('processing', 'requires_capture', 'requires_action', 'succeeded', 'failed', 'canceled'))`);
    await runner.query(`
      ALTER TABLE payments
        ADD COLUMN amount_refunded_minor bigint NOT NULL DEFAULT 0 CHECK (amount_refunded_minor >= 0),
        ADD COLUMN commands_sent integer NOT NULL DEFAULT 1,
        ADD COLUMN canceled_at timestamptz`);

    await runner.query(`
      CREATE TABLE refunds (
        id text PRIMARY KEY,
        merchant_id text NOT NULL REFERENCES merchants (id),
        payment_id text NOT NULL REFERENCES payments (id),
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        reason text,
        failure_code text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      'CREATE INDEX refunds_merchant_created ON refunds (merchant_id, created_at DESC, id DESC)',
    );
    await runner.query('CREATE INDEX refunds_payment ON refunds (payment_id)');

    // Signed minor units: liabilities to the merchant, from ledger postings (credits are negative there).
    await runner.query(`
      CREATE TABLE merchant_balances (
        merchant_id text NOT NULL,
        currency char(3) NOT NULL,
        pending_minor bigint NOT NULL DEFAULT 0,
        available_minor bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (merchant_id, currency)
      )`);

    await runner.query(`
      CREATE TABLE merchant_events (
        id text PRIMARY KEY,
        merchant_id text NOT NULL REFERENCES merchants (id),
        type text NOT NULL,
        source_event_id uuid NOT NULL UNIQUE,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      'CREATE INDEX merchant_events_merchant_created ON merchant_events (merchant_id, created_at DESC, id DESC)',
    );

    await runner.query(`
      CREATE TABLE rate_limit_windows (
        key_hash text NOT NULL,
        window_start timestamptz NOT NULL,
        request_count integer NOT NULL,
        PRIMARY KEY (key_hash, window_start)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE rate_limit_windows');
    await runner.query('DROP TABLE merchant_events');
    await runner.query('DROP TABLE merchant_balances');
    await runner.query('DROP TABLE refunds');
    await runner.query(
      'ALTER TABLE payments DROP COLUMN amount_refunded_minor, DROP COLUMN commands_sent, DROP COLUMN canceled_at',
    );
    await runner.query('DROP TABLE idempotency_keys');
    await runner.query('DROP TABLE api_keys');
  }
}
