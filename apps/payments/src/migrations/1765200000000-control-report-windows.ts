import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The windows whose control totals payments has reported (one row each: reported once, by
 * whichever instance inserts it), and an index to read a window's money movements from the outbox.
 */
export class ControlReportWindows1765200000000 implements MigrationInterface {
  name = 'ControlReportWindows1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE control_report_windows (
        window_start timestamptz PRIMARY KEY,
        window_end timestamptz NOT NULL,
        reports integer NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE INDEX outbox_money_movements ON outbox (created_at)
        WHERE event_type IN ('payment.captured', 'refund.succeeded', 'payout.paid')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX outbox_money_movements');
    await runner.query('DROP TABLE control_report_windows');
  }
}
