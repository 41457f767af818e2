import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole money lifecycle: entries that span merchants (settlements) or no payment (payouts),
 * their business details and reversals; the state the posting rules consult (payment holds and
 * totals, captures awaiting settlement, payouts, disputes); per-merchant pricing.
 * ADD COLUMN rewrites no row, so the append-only triggers are not involved.
 */
export class LedgerLifecycle1764200000000 implements MigrationInterface {
  name = 'LedgerLifecycle1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE journal_entries
        ALTER COLUMN merchant_id DROP NOT NULL,
        ALTER COLUMN payment_id DROP NOT NULL,
        ADD COLUMN aggregate_id text,
        ADD COLUMN details jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN reverses_entry_id uuid UNIQUE REFERENCES journal_entries (id)`);
    await runner.query('CREATE INDEX journal_entries_aggregate ON journal_entries (aggregate_id, sequence)');
    await runner.query('CREATE INDEX journal_entries_created ON journal_entries (created_at, sequence)');
    await runner.query(`
      CREATE TABLE payment_positions (
        payment_id text PRIMARY KEY,
        merchant_id text NOT NULL,
        processor text NOT NULL,
        payment_method_type text,
        currency char(3) NOT NULL,
        authorized_minor bigint NOT NULL CHECK (authorized_minor >= 0),
        hold_open_minor bigint NOT NULL CHECK (hold_open_minor >= 0),
        hold_status text NOT NULL CHECK (hold_status IN ('none', 'open', 'resolved')),
        captured_minor bigint NOT NULL CHECK (captured_minor >= 0),
        refunded_minor bigint NOT NULL CHECK (refunded_minor >= 0 AND refunded_minor <= captured_minor),
        merchant_currency char(3) NOT NULL,
        merchant_captured_minor bigint NOT NULL CHECK (merchant_captured_minor >= 0),
        merchant_refunded_minor bigint NOT NULL
          CHECK (merchant_refunded_minor >= 0 AND merchant_refunded_minor <= merchant_captured_minor),
        CHECK (hold_status = 'open' OR hold_open_minor = 0)
      )`);
    await runner.query(`
      CREATE TABLE captures (
        capture_id text PRIMARY KEY,
        payment_id text NOT NULL,
        merchant_id text NOT NULL,
        processor text NOT NULL,
        currency char(3) NOT NULL,
        gross_minor bigint NOT NULL CHECK (gross_minor > 0),
        merchant_currency char(3) NOT NULL,
        net_minor bigint NOT NULL CHECK (net_minor >= 0),
        settlement_id text
      )`);
    await runner.query(`
      CREATE TABLE payouts (
        payout_id text PRIMARY KEY,
        merchant_id text NOT NULL,
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        status text NOT NULL CHECK (status IN ('reserved', 'paid', 'failed'))
      )`);
    await runner.query(`
      CREATE TABLE disputes (
        dispute_id text PRIMARY KEY,
        payment_id text NOT NULL,
        merchant_id text NOT NULL,
        processor text NOT NULL,
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        merchant_currency char(3) NOT NULL,
        merchant_amount_minor bigint NOT NULL CHECK (merchant_amount_minor >= 0),
        status text NOT NULL CHECK (status IN ('open', 'won', 'lost'))
      )`);
    await runner.query(`
      CREATE TABLE merchant_pricing (
        merchant_id text NOT NULL,
        currency char(3) NOT NULL,
        basis_points bigint NOT NULL CHECK (basis_points BETWEEN 0 AND 10000),
        fixed_minor bigint NOT NULL CHECK (fixed_minor >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (merchant_id, currency)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['merchant_pricing', 'disputes', 'payouts', 'captures', 'payment_positions']) {
      await runner.query(`DROP TABLE ${table}`);
    }
    await runner.query('DROP INDEX journal_entries_created');
    await runner.query('DROP INDEX journal_entries_aggregate');
    await runner.query(
      'ALTER TABLE journal_entries DROP COLUMN reverses_entry_id, DROP COLUMN details, DROP COLUMN aggregate_id',
    );
  }
}
