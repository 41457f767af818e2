import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payment read model shows why a payment was canceled and the manual review risk opened; open
 * reviews are listed per merchant and a review is found by its id (partial indexes: most payments
 * have none).
 */
export class GatewayPaymentReviewCancellation1765400000000 implements MigrationInterface {
  name = 'GatewayPaymentReviewCancellation1765400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE payments ADD COLUMN cancellation_reason text, ADD COLUMN review jsonb');
    await runner.query(
      `CREATE INDEX payments_open_review_idx ON payments (merchant_id, created_at DESC, id DESC)
        WHERE review IS NOT NULL AND review->>'outcome' IS NULL`,
    );
    await runner.query(
      `CREATE INDEX payments_review_id_idx ON payments ((review->>'id')) WHERE review IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX payments_review_id_idx');
    await runner.query('DROP INDEX payments_open_review_idx');
    await runner.query('ALTER TABLE payments DROP COLUMN cancellation_reason, DROP COLUMN review');
  }
}
