import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Whether a payment is merchant-initiated with a saved method (processors are told). */
export class PaymentsOffSession1765750000000 implements MigrationInterface {
  name = 'PaymentsOffSession1765750000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE payments ADD COLUMN off_session boolean NOT NULL DEFAULT false');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE payments DROP COLUMN off_session');
  }
}
