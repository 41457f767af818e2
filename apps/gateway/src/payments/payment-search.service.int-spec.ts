import { ApiError } from '@platform/service-runtime';
import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { filterSql, PaymentSearchRepository } from '../read-model/payment-search.repository';
import { parsePaymentSearchQuery } from '../domain/payment-search-query';
import { GATEWAY_ENTITIES } from '../gateway-entities';
import { GATEWAY_MIGRATIONS } from '../migrations';
import { PaymentEntity } from '../read-model/payment.entity';
import { PaymentSearchService } from './payment-search.service';

/** Filters and search of a merchant's payments against a real, migrated gateway database. */

const MERCHANT = 'mer_searchA0000000000000000';
const OTHER = 'mer_searchB0000000000000000';
const STATUSES = ['succeeded', 'failed', 'requires_capture', 'canceled'] as const;
const BASE = 1_700_000_000; // unix seconds

interface Seeded {
  id: string;
  merchant: string;
  status: string;
  currency: string;
  amount: bigint;
  customer: string | null;
  email: string | null;
  last4: string | null;
  fingerprint: string | null;
  order: string;
  created: number;
}

/** 40 payments of the merchant and the same 40 shapes for another merchant (same metadata, cards). */
const SEEDED: Seeded[] = [MERCHANT, OTHER].flatMap((merchant, m) =>
  Array.from({ length: 40 }, (_, i) => ({
    id: `pay_search${m}${String(i).padStart(8, '0')}`,
    merchant,
    status: STATUSES[i % 4] ?? 'succeeded',
    currency: i % 3 === 0 ? 'EUR' : 'USD',
    amount: BigInt(100 * (i + 1)),
    customer: i % 5 === 0 ? null : `cus_${i % 4}`,
    email: i % 5 === 0 ? null : `Buyer${i % 4}@Example.com`,
    last4: i % 7 === 0 ? null : i % 2 === 0 ? '4242' : '0005',
    fingerprint: i % 7 === 0 ? null : `fp${i % 6}`,
    order: String(1000 + (i % 10)),
    created: BASE + i * 60,
  })),
);
const mine = (keep: (payment: Seeded) => boolean): string[] =>
  SEEDED.filter((payment) => payment.merchant === MERCHANT && keep(payment))
    .sort((a, b) => b.created - a.created)
    .map((payment) => payment.id);

let db: MigratedDatabase;
let service: PaymentSearchService;

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_payment_search', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  for (const merchant of [MERCHANT, OTHER]) {
    await db.dataSource.query(
      `INSERT INTO merchants (id, name, api_key_hash, api_key_last4) VALUES ($1, 'Search', md5($1) || md5($1), 'aaaa')`,
      [merchant],
    );
    // One vaulted card stands for all of a merchant's card payments: only their columns are searched.
    await db.dataSource.query(
      `INSERT INTO card_vault (token, merchant_id, key_id, iv, ciphertext, auth_tag, fingerprint)
       VALUES ('tok_' || $1, $1, 'k1', '\\x00', '\\x00', '\\x00', 'fp')`,
      [merchant],
    );
  }
  // Payments without a card are bank transfers (a card payment has every card column).
  await db.dataSource.query(
    `INSERT INTO payments (id, merchant_id, amount_minor, currency, status, capture_method, payment_method_type,
                           card_token, card_brand, card_last4, card_fingerprint, customer, metadata, correlation_id,
                           created_at)
     SELECT id, merchant, amount, currency, status, 'automatic',
            CASE WHEN last4 IS NULL THEN 'bank_transfer' ELSE 'card' END,
            CASE WHEN last4 IS NULL THEN NULL ELSE 'tok_' || merchant END,
            CASE WHEN last4 IS NULL THEN NULL ELSE 'visa' END, last4, fingerprint,
            CASE WHEN customer IS NULL THEN NULL ELSE jsonb_build_object('id', customer, 'email', email) END,
            jsonb_build_object('order_id', ord, 'channel', 'web'), 'search', to_timestamp(created)
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
                   $8::text[], $9::text[], $10::text[], $11::bigint[])
         AS s (id, merchant, amount, currency, status, last4, fingerprint, customer, email, ord, created)`,
    [
      SEEDED.map((p) => p.id),
      SEEDED.map((p) => p.merchant),
      SEEDED.map((p) => p.amount.toString()),
      SEEDED.map((p) => p.currency),
      SEEDED.map((p) => p.status),
      SEEDED.map((p) => p.last4),
      SEEDED.map((p) => p.fingerprint),
      SEEDED.map((p) => p.customer),
      SEEDED.map((p) => p.email),
      SEEDED.map((p) => p.order),
      SEEDED.map((p) => p.created),
    ],
  );
  service = new PaymentSearchService(new PaymentSearchRepository(db.dataSource.getRepository(PaymentEntity)));
});

afterAll(async () => {
  await db.close();
});

const listIds = async (query: Record<string, unknown>): Promise<string[]> =>
  (await service.list(MERCHANT, { limit: '100', ...query })).rows.map((row) => row.id);
const searchIds = async (query: string): Promise<string[]> =>
  (await service.query(MERCHANT, { query, limit: 100 })).page.rows.map((row) => row.id);

async function refusal(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.getStatus(), ...(error.getResponse() as object) };
    throw error;
  }
  throw new Error('not refused');
}

describe('GET /v1/payments filters', () => {
  it.each<[string, Record<string, unknown>, (payment: Seeded) => boolean]>([
    ['status', { status: 'failed' }, (p) => p.status === 'failed'],
    ['currency, any case', { currency: 'eur' }, (p) => p.currency === 'EUR'],
    ['amount exactly', { amount: '700' }, (p) => p.amount === 700n],
    [
      'amount range',
      { 'amount[gte]': '1000', 'amount[lt]': '2500' },
      (p) => p.amount >= 1000n && p.amount < 2500n,
    ],
    [
      'amount[gt] and amount[lte]',
      { 'amount[gt]': '3500', 'amount[lte]': '3900' },
      (p) => p.amount > 3500n && p.amount <= 3900n,
    ],
    ['customer', { customer: 'cus_2' }, (p) => p.customer === 'cus_2'],
    ['metadata', { 'metadata[order_id]': '1003' }, (p) => p.order === '1003'],
    ['card last4', { 'payment_method[card][last4]': '0005' }, (p) => p.last4 === '0005'],
    ['card fingerprint', { 'payment_method[card][fingerprint]': 'fp3' }, (p) => p.fingerprint === 'fp3'],
    [
      'several at once, with created',
      { status: 'succeeded', currency: 'USD', 'created[gte]': String(BASE + 600) },
      (p) => p.status === 'succeeded' && p.currency === 'USD' && p.created >= BASE + 600,
    ],
  ])('%s', async (_name, query, keep) => {
    const expected = mine(keep);
    expect(expected.length).toBeGreaterThan(0);
    expect(await listIds(query)).toEqual(expected);
  });

  it('answers nothing for a metadata value no payment of the merchant has', async () => {
    expect(await listIds({ 'metadata[order_id]': '9999' })).toEqual([]);
  });

  it('pages a filtered list with starting_after', async () => {
    const expected = mine((p) => p.currency === 'USD');
    const first = await service.list(MERCHANT, { currency: 'usd', limit: '5' });
    expect(first.hasMore).toBe(true);
    const second = await service.list(MERCHANT, {
      currency: 'usd',
      limit: '5',
      starting_after: first.rows[4]?.id,
    });
    expect([...first.rows, ...second.rows].map((row) => row.id)).toEqual(expected.slice(0, 10));
  });

  it('refuses bad filters and unknown parameters in the error shape', async () => {
    expect(await refusal(() => service.list(MERCHANT, { status: 'paid' }))).toMatchObject({
      status: 400,
      error: { type: 'invalid_request_error', code: 'parameter_invalid', param: 'status' },
    });
    expect(await refusal(() => service.list(MERCHANT, { 'amount[gte]': '10.5' }))).toMatchObject({
      status: 400,
      error: { code: 'parameter_invalid', param: 'amount[gte]' },
    });
    expect(await refusal(() => service.list(MERCHANT, { colour: 'red' }))).toMatchObject({
      status: 400,
      error: { code: 'parameter_unknown', param: 'colour' },
    });
    expect(await refusal(() => service.list(MERCHANT, { limit: '1000' }))).toMatchObject({
      status: 400,
      error: { code: 'parameter_invalid', param: 'limit' },
    });
  });
});

describe('GET /v1/payments/search', () => {
  it.each<[string, (payment: Seeded) => boolean]>([
    ["status:'succeeded' AND amount>=2000", (p) => p.status === 'succeeded' && p.amount >= 2000n],
    ["status:'failed' OR status:'canceled'", (p) => p.status === 'failed' || p.status === 'canceled'],
    ["-status:'failed' AND currency:'eur'", (p) => p.status !== 'failed' && p.currency === 'EUR'],
    ['amount<=500', (p) => p.amount <= 500n],
    ['amount:1200', (p) => p.amount === 1200n],
    [`created>${BASE + 1800}`, (p) => p.created > BASE + 1800],
    [`created:${BASE + 120}`, (p) => p.created === BASE + 120],
    [`-created<${BASE + 2000}`, (p) => p.created >= BASE + 2000],
    ["customer:'cus_1'", (p) => p.customer === 'cus_1'],
    ["email:'buyer3@example.COM'", (p) => p.email?.toLowerCase() === 'buyer3@example.com'],
    ['last4:4242 AND fingerprint:fp4', (p) => p.last4 === '4242' && p.fingerprint === 'fp4'],
    // A negated match keeps payments without the value (no card here).
    ['-last4:4242', (p) => p.last4 !== '4242'],
    [
      "metadata['order_id']:'1005' OR metadata['order_id']:'1007'",
      (p) => p.order === '1005' || p.order === '1007',
    ],
    ["-metadata['order_id']:'1005' AND metadata['channel']:'web'", (p) => p.order !== '1005'],
    [
      "customer:'cus_1' OR last4:'0005' OR amount>3800",
      (p) => p.customer === 'cus_1' || p.last4 === '0005' || p.amount > 3800n,
    ],
  ])('%s', async (query, keep) => {
    const expected = mine(keep);
    expect(expected.length).toBeGreaterThan(0);
    expect(await searchIds(query)).toEqual(expected);
  });

  it('binds values: quotes and SQL in a value are only text', async () => {
    expect(await searchIds(`metadata['order_id']:'1\\' OR 1=1 --'`)).toEqual([]);
    expect(await searchIds(`customer:"cus_1' OR '1'='1"`)).toEqual([]);
  });

  it('pages with next_page until the end, newest first, without gaps or repeats', async () => {
    const expected = mine((p) => p.status !== 'failed');
    const seen: string[] = [];
    let page: string | undefined;
    for (let pages = 0; pages < 20; pages += 1) {
      const answer = await service.query(MERCHANT, {
        query: "-status:'failed'",
        limit: 7,
        ...(page === undefined ? {} : { page }),
      });
      seen.push(...answer.page.rows.map((row) => row.id));
      expect(answer.page.hasMore).toBe(answer.nextPage !== null);
      if (answer.nextPage === null) break;
      page = answer.nextPage;
    }
    expect(seen).toEqual(expected);
  });

  it("never shows another merchant's payments, nor pages from one of them", async () => {
    const everything = await searchIds('amount>0');
    expect(everything).toEqual(mine(() => true));
    for (const merchant of [MERCHANT, OTHER]) {
      const ids = (await service.query(merchant, { query: "metadata['channel']:'web'", limit: 100 })).page
        .rows;
      expect(new Set(ids.map((row) => row.merchantId))).toEqual(new Set([merchant]));
      expect(ids).toHaveLength(40);
    }
    const othersToken = Buffer.from('pay_search100000005').toString('base64url');
    expect(
      await refusal(() => service.query(MERCHANT, { query: 'amount>0', page: othersToken })),
    ).toMatchObject({
      status: 400,
      error: { code: 'parameter_invalid', param: 'page' },
    });
  });

  it('answers a query error as 400 parameter_invalid on query, with its position', async () => {
    expect(await refusal(() => service.query(MERCHANT, { query: "status:'paid'" }))).toEqual({
      status: 400,
      error: {
        type: 'invalid_request_error',
        code: 'parameter_invalid',
        param: 'query',
        message:
          'Invalid query: status must be one of processing, requires_capture, requires_action, succeeded, failed, canceled (at position 8).',
      },
    });
    expect(
      await refusal(() => service.query(MERCHANT, { query: 'amount>1', page: 'bm90LWFuLWlk' })),
    ).toMatchObject({
      status: 400,
      error: { param: 'page' },
    });
  });
});

describe('search indexes', () => {
  // The table is too small for the planner to prefer an index by cost; with sequential scans
  // off, each equality shape must still find its index (a shape no index fits would use the
  // merchant's). Ranges and metadata containment are checked on a million rows by
  // bench/payment-search.bench.js, where the planner chooses on real statistics.
  it.each([
    ["status:'succeeded'", 'payments_merchant_status_created'],
    ['fingerprint:fp1', 'payments_merchant_fingerprint_created'],
    ['last4:4242', 'payments_merchant_last4_created'],
    ["customer:'cus_1'", 'payments_merchant_customer_created'],
    ["email:'buyer1@example.com'", 'payments_merchant_email_created'],
  ])('%s can use %s', async (query, index) => {
    const condition = filterSql(parsePaymentSearchQuery(query));
    if (condition === null) throw new Error('no condition');
    const [sql, parameters] = db.dataSource
      .getRepository(PaymentEntity)
      .createQueryBuilder('payment')
      .where('payment.merchant_id = :merchantId', { merchantId: MERCHANT })
      .andWhere(condition.sql, condition.parameters)
      .orderBy('payment.created_at', 'DESC')
      .addOrderBy('payment.id', 'DESC')
      .limit(11)
      .getQueryAndParameters();
    const plan = await db.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      const rows = await manager.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`, parameters);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain(index);
  });
});
