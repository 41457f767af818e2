import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settlements net out refunds and lost chargebacks. settlement_deductions: one row per refund or
 * lost dispute the ledger booked against the processor receivable (learnt from
 * ledger.entry_posted), stamped with the settlement that deducted it, once. settlements record
 * what they deducted; their gross may be zero (a day of refunds only) and their net negative (the
 * processor debits the platform's bank).
 */
export class SettlementDeductions1764800000000 implements MigrationInterface {
  name = 'SettlementDeductions1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE settlements
        DROP CONSTRAINT settlements_gross_minor_check,
        -- net_minor >= 0 AND net_minor + processor_fee_minor = gross_minor (named after the table:
        -- a column check over several columns).
        DROP CONSTRAINT settlements_check,
        DROP CONSTRAINT settlements_capture_count_check,
        ADD COLUMN refunded_minor bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
        ADD COLUMN chargeback_minor bigint NOT NULL DEFAULT 0 CHECK (chargeback_minor >= 0),
        ADD COLUMN refund_count integer NOT NULL DEFAULT 0 CHECK (refund_count >= 0),
        ADD COLUMN chargeback_count integer NOT NULL DEFAULT 0 CHECK (chargeback_count >= 0),
        ADD CONSTRAINT settlements_gross_not_negative CHECK (gross_minor >= 0),
        ADD CONSTRAINT settlements_capture_count_not_negative CHECK (capture_count >= 0),
        ADD CONSTRAINT settlements_net_is_the_rest
          CHECK (net_minor = gross_minor - refunded_minor - chargeback_minor - processor_fee_minor),
        ADD CONSTRAINT settlements_settle_something
          CHECK (capture_count + refund_count + chargeback_count >= 1)`);
    await runner.query(`
      CREATE TABLE settlement_deductions (
        -- The refund id, or the dispute id of a lost chargeback.
        item_id text PRIMARY KEY CHECK (item_id ~ '^(re|dp)_[A-Za-z0-9]{8,64}$'),
        kind text NOT NULL CHECK (kind IN ('refund', 'chargeback')),
        -- The refund.succeeded or dispute.closed the ledger posted: its facts are in payment_events.
        source_event_id uuid NOT NULL UNIQUE,
        settlement_id text REFERENCES settlements (settlement_id),
        booked_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'refund') = (item_id ~ '^re_'))
      )`);
    await runner.query(
      'CREATE INDEX settlement_deductions_unsettled ON settlement_deductions (booked_at) WHERE settlement_id IS NULL',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE settlement_deductions');
    await runner.query('DELETE FROM settlements WHERE capture_count = 0');
    await runner.query(`
      ALTER TABLE settlements
        DROP CONSTRAINT settlements_settle_something,
        DROP CONSTRAINT settlements_net_is_the_rest,
        DROP CONSTRAINT settlements_capture_count_not_negative,
        DROP CONSTRAINT settlements_gross_not_negative,
        DROP COLUMN chargeback_count,
        DROP COLUMN refund_count,
        DROP COLUMN chargeback_minor,
        DROP COLUMN refunded_minor,
        ADD CONSTRAINT settlements_gross_minor_check CHECK (gross_minor > 0),
        ADD CONSTRAINT settlements_check CHECK (net_minor >= 0 AND net_minor + processor_fee_minor = gross_minor),
        ADD CONSTRAINT settlements_capture_count_check CHECK (capture_count >= 1)`);
  }
}
