import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The merchant reports' table: the shared projection fold's volume rows (15-minute UTC buckets),
 * added to in the balance consumer's transaction. Presentment amounts (gross, refunded, disputed)
 * are in `currency`, fee and settlement_* amounts in `settlement_currency`.
 */
export class GatewayMerchantVolume1765500000000 implements MigrationInterface {
  name = 'GatewayMerchantVolume1765500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE merchant_volume (
        merchant_id text NOT NULL,
        bucket timestamptz NOT NULL,
        currency text NOT NULL,
        settlement_currency text NOT NULL,
        payment_method text NOT NULL,
        gross_minor bigint NOT NULL DEFAULT 0,
        fee_minor bigint NOT NULL DEFAULT 0,
        refunded_minor bigint NOT NULL DEFAULT 0,
        disputed_minor bigint NOT NULL DEFAULT 0,
        capture_count bigint NOT NULL DEFAULT 0,
        refund_count bigint NOT NULL DEFAULT 0,
        dispute_count bigint NOT NULL DEFAULT 0,
        settlement_gross_minor bigint NOT NULL DEFAULT 0,
        settlement_refunded_minor bigint NOT NULL DEFAULT 0,
        settlement_disputed_minor bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (merchant_id, bucket, currency, settlement_currency, payment_method)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE merchant_volume');
  }
}
