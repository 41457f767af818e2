import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settlements net out refunds and lost chargebacks. refunds: one row per refund the ledger booked
 * (what the processor will deduct from a settlement), stamped with the settlement that deducted
 * it, once, as captures are. disputes gain the settlement that deducted a lost one's chargeback.
 * Refunds booked before this migration have no row: nothing was deployed with them.
 */
export class LedgerSettlementNetting1764800000000 implements MigrationInterface {
  name = 'LedgerSettlementNetting1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE refunds (
        refund_id text PRIMARY KEY,
        payment_id text NOT NULL,
        merchant_id text NOT NULL,
        processor text NOT NULL,
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        settlement_id text
      )`);
    await runner.query(`
      ALTER TABLE disputes
        ADD COLUMN settlement_id text,
        ADD CONSTRAINT disputes_settled_only_when_lost CHECK (settlement_id IS NULL OR status = 'lost')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      'ALTER TABLE disputes DROP CONSTRAINT disputes_settled_only_when_lost, DROP COLUMN settlement_id',
    );
    await runner.query('DROP TABLE refunds');
  }
}
