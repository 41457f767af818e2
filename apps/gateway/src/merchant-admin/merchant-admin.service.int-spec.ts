import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { GATEWAY_ENTITIES } from '../gateway-entities';
import { MerchantEntity } from '../merchants/merchant.entity';
import { MerchantsRepository } from '../merchants/merchants.repository';
import { GATEWAY_MIGRATIONS } from '../migrations';
import { MerchantAdminService } from './merchant-admin.service';

/**
 * Onboarding and updates against a migrated database: the rows and their merchant.pricing_set
 * events in the outbox, numbered per merchant, written together or not at all.
 */
const MERCHANT = 'mer_merchantadmin0001';
const CORRELATION = 'corr-merchant-admin';

let db: MigratedDatabase;
let merchantAdmin: MerchantAdminService;

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_merchant_admin', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  const merchants = new MerchantsRepository(db.dataSource.getRepository(MerchantEntity));
  merchantAdmin = new MerchantAdminService(db.dataSource, merchants);
});

afterAll(async () => {
  await db?.close();
});

interface PricingSetRow {
  currency: string;
  basisPoints: number;
  fixedAmountMinor: string;
  aggregateSequence: number;
  correlationId: string;
}

/** The merchant's merchant.pricing_set events in the outbox, in the order they were appended. */
async function pricingEvents(merchantId = MERCHANT): Promise<PricingSetRow[]> {
  return db.dataSource.query<PricingSetRow[]>(
    `SELECT payload->'data'->>'currency' AS currency, (payload->'data'->>'basisPoints')::int AS "basisPoints",
            payload->'data'->>'fixedAmountMinor' AS "fixedAmountMinor",
            (payload->>'aggregateSequence')::int AS "aggregateSequence", payload->>'correlationId' AS "correlationId"
       FROM outbox WHERE event_type = 'merchant.pricing_set' AND message_key = $1 ORDER BY id`,
    [merchantId],
  );
}

async function storedPricing(merchantId = MERCHANT): Promise<string[]> {
  const rows = await db.dataSource.query<{ entry: string }[]>(
    `SELECT currency || ' ' || basis_points || ' ' || fixed_amount_minor AS entry
       FROM merchant_pricing WHERE merchant_id = $1 ORDER BY currency`,
    [merchantId],
  );
  return rows.map((row) => row.entry);
}

it('onboards a merchant with its first API key and one merchant.pricing_set per priced currency', async () => {
  const merchant = await merchantAdmin.onboard(
    {
      id: MERCHANT,
      name: 'Admin Test',
      apiKeyHash: 'a'.repeat(64),
      apiKeyLast4: 'aaaa',
      settlementCurrency: null,
    },
    'key_merchantadmin0001',
    [
      { currency: 'USD', basisPoints: 250, fixedAmountMinor: 30n },
      { currency: 'EUR', basisPoints: 200, fixedAmountMinor: 25n },
    ],
    CORRELATION,
  );
  expect(merchant.createdAt).toBeInstanceOf(Date);
  const [key] = await db.dataSource.query<{ merchant_id: string }[]>(
    "SELECT merchant_id FROM api_keys WHERE id = 'key_merchantadmin0001'",
  );
  expect(key?.merchant_id).toBe(MERCHANT);
  expect(await storedPricing()).toEqual(['EUR 200 25', 'USD 250 30']);
  expect(await pricingEvents()).toEqual([
    {
      currency: 'USD',
      basisPoints: 250,
      fixedAmountMinor: '30',
      aggregateSequence: 1,
      correlationId: CORRELATION,
    },
    {
      currency: 'EUR',
      basisPoints: 200,
      fixedAmountMinor: '25',
      aggregateSequence: 2,
      correlationId: CORRELATION,
    },
  ]);
});

it('updates fields and publishes only the pricing entries that change, numbered on', async () => {
  const updated = await merchantAdmin.update(
    MERCHANT,
    {
      name: 'Admin Test Renamed',
      pricing: [
        { currency: 'USD', basisPoints: 250, fixedAmountMinor: 30n },
        { currency: 'EUR', basisPoints: 190, fixedAmountMinor: 25n },
        { currency: 'GBP', basisPoints: 180, fixedAmountMinor: 20n },
      ],
    },
    'corr-update',
  );
  expect(updated?.name).toBe('Admin Test Renamed');
  expect(await storedPricing()).toEqual(['EUR 190 25', 'GBP 180 20', 'USD 250 30']);
  expect((await pricingEvents()).slice(2)).toEqual([
    {
      currency: 'EUR',
      basisPoints: 190,
      fixedAmountMinor: '25',
      aggregateSequence: 3,
      correlationId: 'corr-update',
    },
    {
      currency: 'GBP',
      basisPoints: 180,
      fixedAmountMinor: '20',
      aggregateSequence: 4,
      correlationId: 'corr-update',
    },
  ]);
});

it('answers null for a merchant that does not exist, publishing nothing', async () => {
  const unknown = 'mer_merchantadmin9999';
  expect(
    await merchantAdmin.update(
      unknown,
      { pricing: [{ currency: 'USD', basisPoints: 1, fixedAmountMinor: 0n }] },
      CORRELATION,
    ),
  ).toBeNull();
  expect(await pricingEvents(unknown)).toEqual([]);
  expect(await storedPricing(unknown)).toEqual([]);
});

it('keeps the rows unchanged when the outbox refuses the events: one transaction', async () => {
  await db.dataSource.query(`
    CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'outbox refused by the test'; END $$`);
  await db.dataSource.query(
    'CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse_outbox()',
  );
  try {
    await expect(
      merchantAdmin.update(
        MERCHANT,
        { name: 'Never Stored', pricing: [{ currency: 'USD', basisPoints: 300, fixedAmountMinor: 30n }] },
        CORRELATION,
      ),
    ).rejects.toThrow(/outbox refused by the test/);
  } finally {
    await db.dataSource.query('DROP TRIGGER refuse_outbox ON outbox');
  }
  const [merchant] = await db.dataSource.query<{ name: string; pricing_events: number }[]>(
    'SELECT name, pricing_events FROM merchants WHERE id = $1',
    [MERCHANT],
  );
  expect(merchant).toEqual({ name: 'Admin Test Renamed', pricing_events: 4 });
  expect(await storedPricing()).toEqual(['EUR 190 25', 'GBP 180 20', 'USD 250 30']);
  expect(await pricingEvents()).toHaveLength(4);
});
