import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Control reports from payments (what it captured, refunded and paid out per merchant, currency and
 * window) and the differences the ledger found against its own books, kept until they resolve.
 */
export class LedgerControlTotals1765200000000 implements MigrationInterface {
  name = 'LedgerControlTotals1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE control_reports (
        event_id uuid PRIMARY KEY,
        merchant_id text NOT NULL,
        currency char(3) NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        part integer NOT NULL,
        parts integer NOT NULL,
        captures jsonb NOT NULL,
        refunds jsonb NOT NULL,
        payouts jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'unchecked' CHECK (status IN ('unchecked', 'clean', 'differences')),
        checked_at timestamptz
      )`);
    await runner.query(
      `CREATE INDEX control_reports_open ON control_reports (received_at) WHERE status <> 'clean'`,
    );
    await runner.query(`
      CREATE TABLE control_differences (
        report_event_id uuid NOT NULL REFERENCES control_reports (event_id),
        kind text NOT NULL CHECK (kind IN ('capture_missing', 'capture_amount', 'refund_missing',
                                           'refund_amount', 'payout_missing', 'payout_amount', 'payout_not_paid')),
        item_id text NOT NULL,
        payment_id text,
        merchant_id text NOT NULL,
        currency char(3) NOT NULL,
        reported_minor bigint NOT NULL,
        booked_minor bigint,
        window_start timestamptz NOT NULL,
        found_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (report_event_id, kind, item_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE control_differences');
    await runner.query('DROP TABLE control_reports');
  }
}
