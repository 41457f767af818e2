import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Bank transfers and wallets next to cards: card columns only for cards, and the next action shown. */
export class GatewayPaymentMethods1764500000000 implements MigrationInterface {
  name = 'GatewayPaymentMethods1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE payments
        ADD COLUMN payment_method_type text NOT NULL DEFAULT 'card'
          CHECK (payment_method_type IN ('card', 'bank_transfer', 'wallet')),
        ADD COLUMN payment_method_details jsonb,
        ADD COLUMN next_action jsonb,
        ALTER COLUMN card_token DROP NOT NULL,
        ALTER COLUMN card_brand DROP NOT NULL,
        ALTER COLUMN card_last4 DROP NOT NULL,
        ALTER COLUMN card_exp_month DROP NOT NULL,
        ALTER COLUMN card_exp_year DROP NOT NULL,
        ALTER COLUMN card_fingerprint DROP NOT NULL`);
    await runner.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_card_columns CHECK (
        payment_method_type <> 'card' OR (card_token IS NOT NULL AND card_brand IS NOT NULL
          AND card_last4 IS NOT NULL AND card_fingerprint IS NOT NULL))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE payments DROP CONSTRAINT payments_card_columns');
    await runner.query(
      'ALTER TABLE payments DROP COLUMN payment_method_type, DROP COLUMN payment_method_details, DROP COLUMN next_action',
    );
  }
}
