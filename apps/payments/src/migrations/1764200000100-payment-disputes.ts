import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The payment's dispute (at most one): id, amount held (minor units, as a string) and status. */
export class PaymentDisputes1764200000100 implements MigrationInterface {
  name = 'PaymentDisputes1764200000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE payments ADD COLUMN dispute jsonb CHECK (
        dispute IS NULL OR (
          dispute ->> 'disputeId' ~ '^dp_[A-Za-z0-9]{8,64}$'
          AND dispute ->> 'amountMinor' ~ '^[0-9]{1,18}$'
          AND dispute ->> 'status' IN ('open', 'won', 'lost')
        )
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE payments DROP COLUMN dispute');
  }
}
