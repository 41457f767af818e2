import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole lifecycle: partial captures and refunds, 3-D Secure actions, expiry times, and one
 * row per refund id so a repeated refund request is recognised whatever envelope it came in.
 */
export class PaymentLifecycleColumns1764200000000 implements MigrationInterface {
  name = 'PaymentLifecycleColumns1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE payments
        ADD COLUMN amount_refunded_minor bigint NOT NULL DEFAULT 0,
        ADD COLUMN capture_count integer NOT NULL DEFAULT 0 CHECK (capture_count >= 0),
        ADD COLUMN pending_action jsonb,
        ADD COLUMN authorized_at timestamptz,
        ADD COLUMN action_expires_at timestamptz,
        ADD CONSTRAINT payments_refunded_within_captured
          CHECK (amount_refunded_minor >= 0 AND amount_refunded_minor <= amount_captured_minor)`);
    // The card's issuing country (from its BIN) is kept for routing; still no key for a number.
    await runner.query(`
      ALTER TABLE payments DROP CONSTRAINT payments_payment_method_check,
        ADD CONSTRAINT payments_payment_method_check CHECK (
          payment_method - ARRAY['type', 'card'] = '{}'::jsonb
          AND (payment_method -> 'card') - ARRAY['token', 'brand', 'bin', 'last4', 'expMonth', 'expYear', 'fingerprint', 'country'] = '{}'::jsonb
          AND payment_method #>> '{card,bin}' ~ '^[0-9]{6}$'
          AND payment_method #>> '{card,last4}' ~ '^[0-9]{4}$'
        )`);
    // The expiry job's scans.
    await runner.query(
      `CREATE INDEX payments_awaiting_capture ON payments (authorized_at) WHERE status = 'requires_capture'`,
    );
    await runner.query(
      `CREATE INDEX payments_awaiting_action ON payments (action_expires_at) WHERE status = 'requires_action'`,
    );
    await runner.query(`
      CREATE TABLE refunds (
        refund_id text PRIMARY KEY CHECK (refund_id ~ '^re_[A-Za-z0-9]{8,64}$'),
        payment_id text NOT NULL REFERENCES payments (id),
        amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
        status text NOT NULL CHECK (status IN ('succeeded', 'failed')),
        failure_code text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX refunds_payment ON refunds (payment_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE refunds');
    await runner.query('DROP INDEX payments_awaiting_action');
    await runner.query('DROP INDEX payments_awaiting_capture');
    await runner.query(`
      ALTER TABLE payments DROP CONSTRAINT payments_payment_method_check,
        ADD CONSTRAINT payments_payment_method_check CHECK (
          payment_method - ARRAY['type', 'card'] = '{}'::jsonb
          AND (payment_method -> 'card') - ARRAY['token', 'brand', 'bin', 'last4', 'expMonth', 'expYear', 'fingerprint'] = '{}'::jsonb
          AND payment_method #>> '{card,bin}' ~ '^[0-9]{6}$'
          AND payment_method #>> '{card,last4}' ~ '^[0-9]{4}$'
        ) NOT VALID`);
    await runner.query(`
      ALTER TABLE payments
        DROP CONSTRAINT payments_refunded_within_captured,
        DROP COLUMN action_expires_at,
        DROP COLUMN authorized_at,
        DROP COLUMN pending_action,
        DROP COLUMN capture_count,
        DROP COLUMN amount_refunded_minor`);
  }
}
