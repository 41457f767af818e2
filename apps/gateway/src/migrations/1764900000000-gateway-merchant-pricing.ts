import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A merchant's fee per currency, as the admin set it; the ledger learns it from
 * merchant.pricing_set (merchants.events). pricing_events numbers those events per merchant.
 */
export class GatewayMerchantPricing1764900000000 implements MigrationInterface {
  name = 'GatewayMerchantPricing1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE merchant_pricing (
        merchant_id text NOT NULL REFERENCES merchants (id),
        currency char(3) NOT NULL,
        basis_points integer NOT NULL CHECK (basis_points BETWEEN 0 AND 10000),
        fixed_amount_minor bigint NOT NULL CHECK (fixed_amount_minor >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (merchant_id, currency)
      )`);
    await runner.query('ALTER TABLE merchants ADD COLUMN pricing_events integer NOT NULL DEFAULT 0');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE merchants DROP COLUMN pricing_events');
    await runner.query('DROP TABLE merchant_pricing');
  }
}
