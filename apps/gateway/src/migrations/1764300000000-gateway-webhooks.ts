import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints (signing secret sealed with the vault's key ring), and the delivery queue
 * with its attempt log. Instances take due deliveries with FOR UPDATE SKIP LOCKED and a lease.
 */
export class GatewayWebhooks1764300000000 implements MigrationInterface {
  name = 'GatewayWebhooks1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE webhook_endpoints (
        id text PRIMARY KEY,
        merchant_id text NOT NULL REFERENCES merchants (id),
        url text NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2048),
        enabled_events text[] NOT NULL,
        description text,
        secret_key_id text NOT NULL,
        secret_iv bytea NOT NULL,
        secret_ciphertext bytea NOT NULL,
        secret_auth_tag bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await runner.query(
      'CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id, created_at DESC, id DESC)',
    );
    await runner.query(`
      CREATE TABLE webhook_deliveries (
        id text PRIMARY KEY,
        merchant_id text NOT NULL REFERENCES merchants (id),
        endpoint_id text NOT NULL REFERENCES webhook_endpoints (id),
        event_id text NOT NULL REFERENCES merchant_events (id),
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        leased_until timestamptz,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (endpoint_id, event_id)
      )`);
    await runner.query(
      "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'",
    );
    await runner.query(
      'CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC)',
    );
    await runner.query(`
      CREATE TABLE webhook_delivery_attempts (
        delivery_id text NOT NULL REFERENCES webhook_deliveries (id),
        attempt integer NOT NULL,
        status_code integer,
        error text,
        duration_ms integer NOT NULL,
        attempted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE webhook_delivery_attempts');
    await runner.query('DROP TABLE webhook_deliveries');
    await runner.query('DROP TABLE webhook_endpoints');
  }
}
