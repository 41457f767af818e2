import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Money after the payment. settlement_captures: one row per capture the ledger booked (learnt from
 * ledger.entry_posted), stamped with the settlement that paid it, once; settlements: what each
 * settlement.reported said. payouts: one row per payout with its state; merchant_available_balances:
 * the merchants' available balances as the ledger's postings tell them, for scheduled payouts;
 * payout_merchant_sequences numbers the payout events of each merchant (their aggregate).
 */
export class SettlementsPayouts1764410000000 implements MigrationInterface {
  name = 'SettlementsPayouts1764410000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE settlements (
        settlement_id text PRIMARY KEY CHECK (settlement_id ~ '^stl_[A-Za-z0-9_-]{8,100}$'),
        processor text NOT NULL,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        settlement_date date NOT NULL,
        gross_minor bigint NOT NULL CHECK (gross_minor > 0),
        processor_fee_minor bigint NOT NULL CHECK (processor_fee_minor >= 0),
        net_minor bigint NOT NULL CHECK (net_minor >= 0 AND net_minor + processor_fee_minor = gross_minor),
        capture_count integer NOT NULL CHECK (capture_count >= 1),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE settlement_captures (
        capture_id text PRIMARY KEY CHECK (capture_id ~ '^cap_[A-Za-z0-9]{8,64}$'),
        -- The payment.captured event the ledger posted: its facts are in payment_events.
        source_event_id uuid NOT NULL UNIQUE,
        settlement_id text REFERENCES settlements (settlement_id),
        booked_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The settlement scan reads only what is left to settle.
    await runner.query(
      'CREATE INDEX settlement_captures_unsettled ON settlement_captures (booked_at) WHERE settlement_id IS NULL',
    );
    await runner.query(`
      CREATE TABLE payouts (
        payout_id text PRIMARY KEY CHECK (payout_id ~ '^po_[A-Za-z0-9]{8,64}$'),
        merchant_id text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
        failure_code text CHECK (failure_code IN ('insufficient_balance', 'bank_rejected')),
        trigger text NOT NULL CHECK (trigger IN ('on_request', 'daily')),
        requested_event_id uuid NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'failed') = (failure_code IS NOT NULL))
      )`);
    await runner.query(
      `CREATE INDEX payouts_pending ON payouts (merchant_id, currency) WHERE status = 'pending'`,
    );
    await runner.query(`
      CREATE TABLE payout_merchant_sequences (
        merchant_id text PRIMARY KEY,
        last_sequence integer NOT NULL CHECK (last_sequence >= 1)
      )`);
    await runner.query(`
      CREATE TABLE merchant_available_balances (
        merchant_id text NOT NULL,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        available_minor bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (merchant_id, currency)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE merchant_available_balances');
    await runner.query('DROP TABLE payout_merchant_sequences');
    await runner.query('DROP TABLE payouts');
    await runner.query('DROP TABLE settlement_captures');
    await runner.query('DROP TABLE settlements');
  }
}
