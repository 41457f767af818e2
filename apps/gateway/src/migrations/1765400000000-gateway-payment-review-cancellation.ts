import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The payment read model shows why a payment was canceled and the manual review risk opened. */
export class GatewayPaymentReviewCancellation1765400000000 implements MigrationInterface {
  name = 'GatewayPaymentReviewCancellation1765400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE payments ADD COLUMN cancellation_reason text, ADD COLUMN review jsonb');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE payments DROP COLUMN cancellation_reason, DROP COLUMN review');
  }
}
