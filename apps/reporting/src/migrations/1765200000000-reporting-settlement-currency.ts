import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Volume rows name the settlement currency beside the presentment one (issue 16: a cross-currency
 * capture's fee, in the settlement currency, was filed under the presentment currency), and
 * activity keeps what the postings credited to the merchant and to revenue, so reconciliation
 * checks volume against the postings rather than against the context it was folded from.
 *
 * Existing generations get settlement = presentment (right for every payment without fx), the
 * revenue per merchant and currency from their fees projection, and a capture's credit as
 * gross − fee. Cross-currency rows folded before this migration stay wrong, and the fee check of
 * GET /v1/reconciliation lists them, until POST /v1/projections/rebuild.
 */
async function generationSchemas(runner: QueryRunner, table: string): Promise<string[]> {
  const rows = (await runner.query(
    `SELECT table_schema AS schema FROM information_schema.tables
      WHERE table_name = $1 AND table_schema ~ '^reporting_g[0-9]+$' ORDER BY 1`,
    [table],
  )) as { schema: string }[];
  return rows.map((row) => row.schema);
}

export class ReportingSettlementCurrency1765200000000 implements MigrationInterface {
  name = 'ReportingSettlementCurrency1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const schema of await generationSchemas(runner, 'volume')) {
      await runner.query(
        `ALTER TABLE ${schema}.volume ADD COLUMN settlement_currency char(3),
           ADD COLUMN settlement_gross_minor bigint, ADD COLUMN settlement_refunded_minor bigint,
           ADD COLUMN settlement_disputed_minor bigint`,
      );
      await runner.query(
        `UPDATE ${schema}.volume SET settlement_currency = currency, settlement_gross_minor = gross_minor,
           settlement_refunded_minor = refunded_minor, settlement_disputed_minor = disputed_minor`,
      );
      await runner.query(
        `ALTER TABLE ${schema}.volume ALTER COLUMN settlement_currency SET NOT NULL,
           ALTER COLUMN settlement_gross_minor SET NOT NULL, ALTER COLUMN settlement_refunded_minor SET NOT NULL,
           ALTER COLUMN settlement_disputed_minor SET NOT NULL,
           DROP CONSTRAINT volume_pkey,
           ADD PRIMARY KEY (merchant_id, bucket, currency, settlement_currency, payment_method)`,
      );
    }
    for (const schema of await generationSchemas(runner, 'activity')) {
      await runner.query(
        `ALTER TABLE ${schema}.activity ADD COLUMN merchant_credited_minor bigint NOT NULL DEFAULT 0,
           ADD COLUMN revenue_minor bigint NOT NULL DEFAULT 0`,
      );
      await runner.query(
        `UPDATE ${schema}.activity SET merchant_credited_minor = gross_minor - fee_minor WHERE kind = 'capture'`,
      );
      await runner.query(
        `INSERT INTO ${schema}.activity AS t (merchant_id, currency, kind, entry_count, gross_minor, fee_minor,
           merchant_posted_minor, revenue_minor)
         SELECT merchant_id, currency, 'capture', 0, 0, 0, 0, sum(revenue_minor)
           FROM ${schema}.fees WHERE merchant_id <> '' GROUP BY 1, 2
         ON CONFLICT (merchant_id, currency, kind) DO UPDATE SET revenue_minor = EXCLUDED.revenue_minor`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const schema of await generationSchemas(runner, 'activity')) {
      await runner.query(
        `ALTER TABLE ${schema}.activity DROP COLUMN merchant_credited_minor, DROP COLUMN revenue_minor`,
      );
    }
    // Two rows differing only by settlement currency would collide under the old key: sum them.
    for (const schema of await generationSchemas(runner, 'volume')) {
      await runner.query(
        `CREATE TEMP TABLE volume_down AS
           SELECT merchant_id, bucket, currency, payment_method, sum(gross_minor) AS gross_minor,
                  sum(fee_minor) AS fee_minor, sum(refunded_minor) AS refunded_minor,
                  sum(capture_count) AS capture_count, sum(refund_count) AS refund_count,
                  sum(dispute_count) AS dispute_count, sum(disputed_minor) AS disputed_minor
             FROM ${schema}.volume GROUP BY 1, 2, 3, 4`,
      );
      await runner.query(`DELETE FROM ${schema}.volume`);
      await runner.query(
        `ALTER TABLE ${schema}.volume DROP CONSTRAINT volume_pkey, DROP COLUMN settlement_currency,
           DROP COLUMN settlement_gross_minor, DROP COLUMN settlement_refunded_minor,
           DROP COLUMN settlement_disputed_minor,
           ADD PRIMARY KEY (merchant_id, bucket, currency, payment_method)`,
      );
      await runner.query(
        `INSERT INTO ${schema}.volume (merchant_id, bucket, currency, payment_method, gross_minor, fee_minor,
           refunded_minor, capture_count, refund_count, dispute_count, disputed_minor)
         SELECT merchant_id, bucket, currency, payment_method, gross_minor, fee_minor, refunded_minor,
                capture_count, refund_count, dispute_count, disputed_minor FROM volume_down`,
      );
      await runner.query('DROP TABLE volume_down');
    }
  }
}
