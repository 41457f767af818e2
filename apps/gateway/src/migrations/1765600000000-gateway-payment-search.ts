import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for a merchant's payment filters and search (payment-search.repository.ts). Each
 * equality index ends in (created_at, id) so a filtered page is read in order without a sort;
 * metadata is matched by containment (@>) on a GIN index.
 */
export class GatewayPaymentSearch1765600000000 implements MigrationInterface {
  name = 'GatewayPaymentSearch1765600000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of [
      'CREATE INDEX payments_merchant_status_created ON payments (merchant_id, status, created_at DESC, id DESC)',
      `CREATE INDEX payments_merchant_fingerprint_created ON payments (merchant_id, card_fingerprint, created_at DESC, id DESC)
         WHERE card_fingerprint IS NOT NULL`,
      `CREATE INDEX payments_merchant_last4_created ON payments (merchant_id, card_last4, created_at DESC, id DESC)
         WHERE card_last4 IS NOT NULL`,
      'CREATE INDEX payments_merchant_amount ON payments (merchant_id, amount_minor)',
      `CREATE INDEX payments_merchant_customer_created ON payments (merchant_id, (customer ->> 'id'), created_at DESC, id DESC)`,
      `CREATE INDEX payments_merchant_email_created ON payments (merchant_id, lower(customer ->> 'email'), created_at DESC, id DESC)`,
      'CREATE INDEX payments_metadata ON payments USING gin (metadata jsonb_path_ops)',
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX payments_merchant_status_created, payments_merchant_fingerprint_created,
      payments_merchant_last4_created, payments_merchant_amount, payments_merchant_customer_created,
      payments_merchant_email_created, payments_metadata`);
  }
}
