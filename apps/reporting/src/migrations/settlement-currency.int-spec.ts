import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { ReportingSettlementCurrency1765200000000 } from './1765200000000-reporting-settlement-currency';
import { REPORTING_MIGRATIONS } from './index';

const SCHEMA = 'reporting_g7';
const MERCHANT = 'mer_migration0001';

/** A generation as the previous version created it: volume keyed without the settlement currency. */
const OLD_GENERATION = [
  `CREATE SCHEMA ${SCHEMA}`,
  `CREATE TABLE ${SCHEMA}.volume (
     merchant_id text NOT NULL, bucket timestamptz NOT NULL, currency char(3) NOT NULL,
     payment_method text NOT NULL, gross_minor bigint NOT NULL, fee_minor bigint NOT NULL,
     refunded_minor bigint NOT NULL, capture_count bigint NOT NULL, refund_count bigint NOT NULL,
     dispute_count bigint NOT NULL DEFAULT 0, disputed_minor bigint NOT NULL DEFAULT 0,
     PRIMARY KEY (merchant_id, bucket, currency, payment_method))`,
  `CREATE TABLE ${SCHEMA}.fees (
     bucket timestamptz NOT NULL, currency char(3) NOT NULL, merchant_id text NOT NULL,
     revenue_minor bigint NOT NULL, entry_count bigint NOT NULL, PRIMARY KEY (bucket, currency, merchant_id))`,
  `CREATE TABLE ${SCHEMA}.activity (
     merchant_id text NOT NULL, currency char(3) NOT NULL, kind text NOT NULL, entry_count bigint NOT NULL,
     gross_minor bigint NOT NULL, fee_minor bigint NOT NULL, merchant_posted_minor bigint NOT NULL,
     PRIMARY KEY (merchant_id, currency, kind))`,
  // A USD capture of 100.00 with a 3.20 fee, and (the old fold's way) a USD payment settled in
  // JPY whose 438 JPY fee sits under USD: the fees projection has it under JPY.
  `INSERT INTO ${SCHEMA}.volume VALUES
     ('${MERCHANT}', '2025-11-20T10:00:00Z', 'USD', 'card', 20000, 758, 1000, 2, 1, 0, 0)`,
  `INSERT INTO ${SCHEMA}.fees VALUES
     ('2025-11-20T10:00:00Z', 'USD', '${MERCHANT}', 320, 1),
     ('2025-11-20T10:00:00Z', 'JPY', '${MERCHANT}', 438, 1)`,
  `INSERT INTO ${SCHEMA}.activity VALUES
     ('${MERCHANT}', 'USD', 'capture', 2, 20000, 758, -9680),
     ('${MERCHANT}', 'JPY', 'capture', 0, 0, 0, -151000)`,
];

describe('migration: the settlement currency of volume rows', () => {
  let db: MigratedDatabase;
  const migration = new ReportingSettlementCurrency1765200000000();

  beforeAll(async () => {
    db = await createMigratedDatabase('reporting_mig', { entities: [], migrations: REPORTING_MIGRATIONS });
    for (const sql of OLD_GENERATION) await db.dataSource.query(sql);
  });

  afterAll(async () => {
    await db?.close();
  });

  const volume = () =>
    db.dataSource.query<Record<string, string>[]>(
      `SELECT currency::text, settlement_currency::text, gross_minor::text, settlement_gross_minor::text,
              fee_minor::text, refunded_minor::text, settlement_refunded_minor::text,
              settlement_disputed_minor::text
         FROM ${SCHEMA}.volume`,
    );
  const primaryKey = async () =>
    (
      await db.dataSource.query<{ columns: string }[]>(
        `SELECT string_agg(a.attname, ',' ORDER BY k.ordinality) AS columns
           FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality)
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
          WHERE i.indrelid = '${SCHEMA}.volume'::regclass AND i.indisprimary`,
      )
    )[0]?.columns;

  it('gives existing generations the settlement columns, the new key and the postings figures', async () => {
    const runner = db.dataSource.createQueryRunner();
    try {
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await primaryKey()).toBe('merchant_id,bucket,currency,settlement_currency,payment_method');
    expect(await volume()).toEqual([
      {
        currency: 'USD',
        settlement_currency: 'USD',
        gross_minor: '20000',
        settlement_gross_minor: '20000',
        fee_minor: '758',
        refunded_minor: '1000',
        settlement_refunded_minor: '1000',
        settlement_disputed_minor: '0',
      },
    ]);
    // Revenue comes from the fees projection (the postings), so the misfiled JPY fee shows up.
    const activity = await db.dataSource.query<Record<string, string>[]>(
      `SELECT currency::text, merchant_credited_minor::text, revenue_minor::text
         FROM ${SCHEMA}.activity WHERE kind = 'capture' ORDER BY currency`,
    );
    expect(activity).toEqual([
      { currency: 'JPY', merchant_credited_minor: '0', revenue_minor: '438' },
      { currency: 'USD', merchant_credited_minor: String(20000 - 758), revenue_minor: '320' },
    ]);
  });

  it('goes back to the old key, summing rows that differ only by settlement currency', async () => {
    await db.dataSource.query(
      `INSERT INTO ${SCHEMA}.volume (merchant_id, bucket, currency, settlement_currency, payment_method,
         gross_minor, fee_minor, refunded_minor, capture_count, refund_count, dispute_count, disputed_minor,
         settlement_gross_minor, settlement_refunded_minor, settlement_disputed_minor)
       VALUES ('${MERCHANT}', '2025-11-20T10:00:00Z', 'USD', 'JPY', 'card', 1000, 438, 0, 1, 0, 0, 0, 151200, 0, 0)`,
    );
    const runner = db.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
    } finally {
      await runner.release();
    }
    expect(await primaryKey()).toBe('merchant_id,bucket,currency,payment_method');
    expect(
      await db.dataSource.query(
        `SELECT gross_minor::text, fee_minor::text, capture_count::text FROM ${SCHEMA}.volume`,
      ),
    ).toEqual([{ gross_minor: '21000', fee_minor: '1196', capture_count: '3' }]);
  });
});
