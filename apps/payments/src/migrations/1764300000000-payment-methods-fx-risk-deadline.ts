import type { MigrationInterface, QueryRunner } from 'typeorm';

const CARD_METHOD = `
  payment_method ->> 'type' = 'card'
  AND payment_method - ARRAY['type', 'card'] = '{}'::jsonb
  AND (payment_method -> 'card') - ARRAY['token', 'brand', 'bin', 'last4', 'expMonth', 'expYear', 'fingerprint', 'country'] = '{}'::jsonb
  AND payment_method #>> '{card,bin}' ~ '^[0-9]{6}$'
  AND payment_method #>> '{card,last4}' ~ '^[0-9]{4}$'`;

/**
 * Bank transfers and wallets next to cards; the FX rate a cross-currency payment was converted
 * with; and the deadline of its risk assessment (with what screened it, or that nothing did).
 */
export class PaymentMethodsFxRiskDeadline1764300000000 implements MigrationInterface {
  name = 'PaymentMethodsFxRiskDeadline1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    // Each method keeps only its own keys; coalesce makes a missing key a violation, not a NULL pass.
    await runner.query(`
      ALTER TABLE payments DROP CONSTRAINT payments_payment_method_check,
        ADD CONSTRAINT payments_payment_method_check CHECK (coalesce(
          (${CARD_METHOD})
          OR (
            payment_method ->> 'type' = 'bank_transfer'
            AND payment_method - ARRAY['type', 'bankTransfer'] = '{}'::jsonb
            AND (payment_method -> 'bankTransfer') - ARRAY['country'] = '{}'::jsonb
            AND payment_method #>> '{bankTransfer,country}' ~ '^[A-Z]{2}$'
          )
          OR (
            payment_method ->> 'type' = 'wallet'
            AND payment_method - ARRAY['type', 'wallet'] = '{}'::jsonb
            AND (payment_method -> 'wallet') - ARRAY['provider'] = '{}'::jsonb
            AND payment_method #>> '{wallet,provider}' IN ('alipay', 'wechat_pay')
          ), false))`);
    await runner.query(`
      ALTER TABLE payments
        ADD COLUMN settlement_currency text CHECK (settlement_currency ~ '^[A-Z]{3}$'),
        ADD COLUMN fx_settlement_currency text,
        ADD COLUMN fx_settlement_amount_minor bigint CHECK (fx_settlement_amount_minor > 0),
        ADD COLUMN fx_rate text CHECK (fx_rate ~ '^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,12})?$'),
        ADD COLUMN fx_rate_version text,
        ADD COLUMN risk_deadline_at timestamptz,
        ADD COLUMN risk_screening text CHECK (risk_screening IN ('approve', 'review', 'decline', 'unscreened')),
        ADD CONSTRAINT payments_fx_complete CHECK (
          (fx_settlement_currency IS NULL AND fx_settlement_amount_minor IS NULL AND fx_rate IS NULL AND fx_rate_version IS NULL)
          OR (fx_settlement_currency IS NOT NULL AND fx_settlement_amount_minor IS NOT NULL AND fx_rate IS NOT NULL
              AND fx_rate_version IS NOT NULL AND fx_settlement_currency <> currency)
        )`);
    // The risk-timeout scan.
    await runner.query(
      `CREATE INDEX payments_awaiting_risk ON payments (risk_deadline_at) WHERE status = 'processing' AND risk_deadline_at IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX payments_awaiting_risk');
    await runner.query(`
      ALTER TABLE payments
        DROP CONSTRAINT payments_fx_complete,
        DROP COLUMN risk_screening,
        DROP COLUMN risk_deadline_at,
        DROP COLUMN fx_rate_version,
        DROP COLUMN fx_rate,
        DROP COLUMN fx_settlement_amount_minor,
        DROP COLUMN fx_settlement_currency,
        DROP COLUMN settlement_currency`);
    await runner.query(`
      ALTER TABLE payments DROP CONSTRAINT payments_payment_method_check,
        ADD CONSTRAINT payments_payment_method_check CHECK (${CARD_METHOD}) NOT VALID`);
  }
}
