import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * payments: the current state of each payment (a snapshot of its events, locked while a command
 * is applied). payment_events: every event this service emitted, append-only.
 */
export class PaymentsTables1764100000000 implements MigrationInterface {
  name = 'PaymentsTables1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE payments (
        id text PRIMARY KEY CHECK (id ~ '^pay_[A-Za-z0-9]{8,64}$'),
        merchant_id text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        amount_captured_minor bigint NOT NULL DEFAULT 0 CHECK (amount_captured_minor >= 0 AND amount_captured_minor <= amount_minor),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        capture_method text NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
        status text NOT NULL CHECK (status IN ('processing', 'requires_action', 'requires_capture', 'succeeded', 'failed', 'canceled')),
        -- Vault token and display data only: no key but these, so a card number has nowhere to go.
        payment_method jsonb NOT NULL CHECK (
          payment_method - ARRAY['type', 'card'] = '{}'::jsonb
          AND (payment_method -> 'card') - ARRAY['token', 'brand', 'bin', 'last4', 'expMonth', 'expYear', 'fingerprint'] = '{}'::jsonb
          AND payment_method #>> '{card,bin}' ~ '^[0-9]{6}$'
          AND payment_method #>> '{card,last4}' ~ '^[0-9]{4}$'
        ),
        customer jsonb,
        processor text,
        processor_reference text,
        failure_code text,
        failure_message text,
        version integer NOT NULL CHECK (version >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      'CREATE INDEX payments_merchant_created ON payments (merchant_id, created_at DESC, id DESC)',
    );
    await runner.query(`
      CREATE TABLE payment_events (
        event_id uuid PRIMARY KEY,
        payment_id text NOT NULL REFERENCES payments (id),
        sequence integer NOT NULL CHECK (sequence >= 1),
        event_type text NOT NULL,
        envelope jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (payment_id, sequence)
      )`);
    await runner.query(`
      CREATE FUNCTION payment_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'payment_events is append-only: % refused', TG_OP;
      END $$`);
    await runner.query(`
      CREATE TRIGGER payment_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON payment_events
        FOR EACH STATEMENT EXECUTE FUNCTION payment_events_append_only()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE payment_events');
    await runner.query('DROP FUNCTION payment_events_append_only()');
    await runner.query('DROP TABLE payments');
  }
}
