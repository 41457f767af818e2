import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { createEvent, type EventData } from '@platform/contracts';
import { ApiError, type EventConsumers } from '@platform/service-runtime';
import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { BalanceRepository } from '../balance/balance.repository';
import { LedgerEventsConsumer } from '../balance/ledger-events.consumer';
import { GATEWAY_ENTITIES } from '../gateway-entities';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { GATEWAY_MIGRATIONS } from '../migrations';
import { MerchantReportsController, type ReportQueryDto } from './merchant-reports.controller';
import { MerchantVolumeRepository } from './merchant-volume.repository';

/**
 * Merchant reports on a real, migrated database: ledger entries handled by the balance consumer
 * (handle() in a transaction, as the runtime calls it) land in merchant_volume, and the reports
 * read them back by day, week and month, grouped or not, as JSON or CSV; another merchant's
 * entries never show.
 */
const MERCHANT = 'mer_reports00000000000001';
const OTHER = 'mer_reports00000000000002';

type Entry = EventData<'ledger.entry_posted'>;
type Posting = Entry['postings'][number];
let sequence = 0;

const posting = (accountCode: string, accountType: Posting['accountType'], amount: number): Posting => ({
  accountCode,
  accountType,
  currency: accountCode.slice(-3),
  amountMinor: String(amount),
});

function entry(
  kind: 'capture' | 'refund' | 'dispute_hold',
  merchant: string,
  occurredAt: string,
  method: string,
  gross: number,
  fee: number,
  settlement?: { currency: string; amount: number },
): Entry {
  sequence += 1;
  const cur = 'USD';
  const settled = settlement ?? { currency: cur, amount: gross };
  const s = settled.currency;
  const postings =
    kind === 'capture'
      ? [
          posting(`processor_receivable:sim:${cur}`, 'asset', gross),
          ...(settlement === undefined
            ? []
            : [
                posting(`fx_position:${cur}`, 'asset', -gross),
                posting(`fx_position:${s}`, 'asset', settled.amount),
              ]),
          posting(`merchant_pending:${merchant}:${s}`, 'liability', -(settled.amount - fee)),
          posting(`fee_revenue:${s}`, 'revenue', -fee),
        ]
      : [
          posting(`merchant_available:${merchant}:${cur}`, 'liability', gross),
          posting(
            kind === 'refund' ? `processor_receivable:sim:${cur}` : 'chargebacks_in_flight:USD',
            'asset',
            -gross,
          ),
        ];
  return {
    entryId: randomUUID(),
    sequence: String(sequence),
    hash: 'b'.repeat(64),
    kind,
    sourceEventId: randomUUID(),
    postings,
    context: {
      merchantId: merchant,
      paymentMethodType: method,
      currency: cur,
      grossAmountMinor: String(gross),
      feeAmountMinor: String(fee),
      ...(settlement === undefined
        ? {}
        : {
            fx: {
              settlementCurrency: s,
              settlementAmountMinor: String(settled.amount),
              rate: '151.2',
              rateVersion: '2026-11-25',
            },
          }),
      occurredAt,
    },
  } as Entry;
}

const json = { accepts: () => 'application/json' } as unknown as Request;
const csv = { accepts: () => 'text/csv' } as unknown as Request;
let contentType = '';
const response = { type: (value: string) => (contentType = value) } as unknown as Response;
const merchant = { id: MERCHANT } as MerchantEntity;
const at = (iso: string): string => String(Date.parse(iso) / 1000);
/** March and April 2026; 2026-03-02 is a Monday. */
const MARCH_APRIL = { 'created[gte]': at('2026-03-01T00:00:00Z'), 'created[lt]': at('2026-05-01T00:00:00Z') };

let db: MigratedDatabase;
let reports: MerchantReportsController;

async function volume(query: ReportQueryDto, who = merchant): Promise<Record<string, unknown>[]> {
  const list = (await reports.volumeReport(who, query, json, response)) as {
    data: Record<string, unknown>[];
  };
  return list.data;
}

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_merchant_reports', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  // Not started here: handle() is what the runtime calls for each event.
  const consumer = new LedgerEventsConsumer(
    null as unknown as EventConsumers,
    new BalanceRepository(db.dataSource),
  );
  reports = new MerchantReportsController(new MerchantVolumeRepository(db.dataSource));
  const entries = [
    entry('capture', MERCHANT, '2026-03-02T10:00:00Z', 'card', 10_000, 320),
    entry('capture', MERCHANT, '2026-03-04T12:00:00Z', 'wallet', 5_000, 175),
    // The same 15-minute bucket: added to the row above.
    entry('capture', MERCHANT, '2026-03-04T12:05:00Z', 'wallet', 1_000, 59),
    entry('refund', MERCHANT, '2026-03-04T13:00:00Z', 'card', 2_000, 0),
    entry('dispute_hold', MERCHANT, '2026-03-05T09:00:00Z', 'card', 1_000, 0),
    // Presented in USD, settled in JPY: its amounts are never added to the USD ones.
    entry('capture', MERCHANT, '2026-03-09T08:00:00Z', 'card', 4_000, 2_000, {
      currency: 'JPY',
      amount: 604_800,
    }),
    entry('capture', MERCHANT, '2026-04-01T00:00:00Z', 'card', 7_000, 233),
    entry('capture', OTHER, '2026-03-02T10:00:00Z', 'card', 99_999, 2_930),
  ];
  for (const data of entries) {
    const event = createEvent('ledger.entry_posted', data, {
      aggregateId: data.entryId,
      aggregateSequence: 1,
      merchantId: data.context.merchantId ?? '',
      correlationId: randomUUID(),
      causationId: null,
    });
    await db.dataSource.transaction((manager) => consumer.handle(event, manager));
  }
});

afterAll(async () => {
  await db?.close();
});

describe('merchant reports', () => {
  it('folds each entry into the merchant volume rows beside the balance', async () => {
    const rows = await db.dataSource.query<{ merchant_id: string; n: string; gross: string }[]>(
      `SELECT merchant_id, count(*)::text AS n, sum(gross_minor)::text AS gross
       FROM merchant_volume GROUP BY merchant_id ORDER BY merchant_id`,
    );
    expect(rows).toEqual([
      { merchant_id: MERCHANT, n: '6', gross: '27000' },
      { merchant_id: OTHER, n: '1', gross: '99999' },
    ]);
    const balances = await db.dataSource.query<{ available: string }[]>(
      `SELECT available_minor::text AS available FROM merchant_balances WHERE merchant_id = $1 AND currency = 'USD'`,
      [MERCHANT],
    );
    expect(balances).toEqual([{ available: '-3000' }]);
  });

  it('reports volume per day, payment method and currency pair', async () => {
    const data = await volume({ period: 'day', ...MARCH_APRIL });
    expect(data).toEqual([
      expect.objectContaining({
        period_start: Number(at('2026-03-02T00:00:00Z')),
        period_end: Number(at('2026-03-03T00:00:00Z')),
        currency: 'usd',
        payment_method: 'card',
        gross_amount: 10_000,
        settlement_currency: 'usd',
        fee_amount: 320,
        net_amount: 9_680,
        count: 1,
      }),
      expect.objectContaining({ payment_method: 'card', refunded_amount: 2_000, refund_count: 1, count: 0 }),
      expect.objectContaining({ payment_method: 'wallet', gross_amount: 6_000, fee_amount: 234, count: 2 }),
      expect.objectContaining({
        period_start: Number(at('2026-03-09T00:00:00Z')),
        currency: 'usd',
        gross_amount: 4_000,
        settlement_currency: 'jpy',
        settlement_gross_amount: 604_800,
        fee_amount: 2_000,
        net_amount: 602_800,
      }),
      expect.objectContaining({ period_start: Number(at('2026-04-01T00:00:00Z')), gross_amount: 7_000 }),
    ]);
    expect(data.some((row) => row.gross_amount === 99_999)).toBe(false);
  });

  it('sums Monday weeks and months, per settlement currency when not grouped', async () => {
    expect(await volume({ period: 'week', group_by: '', ...MARCH_APRIL })).toEqual([
      expect.objectContaining({
        period_start: Number(at('2026-03-02T00:00:00Z')),
        currency: null,
        payment_method: null,
        gross_amount: null,
        settlement_currency: 'usd',
        settlement_gross_amount: 16_000,
        fee_amount: 554,
        settlement_refunded_amount: 2_000,
        net_amount: 13_446,
        count: 3,
        refund_count: 1,
      }),
      expect.objectContaining({
        period_start: Number(at('2026-03-09T00:00:00Z')),
        settlement_currency: 'jpy',
      }),
      expect.objectContaining({
        period_start: Number(at('2026-03-30T00:00:00Z')),
        settlement_gross_amount: 7_000,
      }),
    ]);
    const months = await volume({ period: 'month', group_by: 'payment_method', ...MARCH_APRIL });
    expect(
      months.map((row) => [row.settlement_currency, row.payment_method, row.settlement_gross_amount]),
    ).toEqual([
      ['jpy', 'card', 604_800],
      ['usd', 'card', 10_000],
      ['usd', 'wallet', 6_000],
      ['usd', 'card', 7_000],
    ]);
  });

  it('answers fees, refunds and disputes, and CSV', async () => {
    const monthly = { period: 'month' as const, group_by: 'currency', ...MARCH_APRIL };
    const list = async (kind: 'feesReport' | 'refundsReport' | 'disputesReport') =>
      ((await reports[kind](merchant, monthly, json, response)) as { data: Record<string, unknown>[] }).data;
    expect((await list('feesReport')).map((row) => [row.settlement_currency, row.fee_amount])).toEqual([
      ['jpy', 2_000],
      ['usd', 554],
      ['usd', 233],
    ]);
    expect(await list('refundsReport')).toEqual([
      expect.objectContaining({ currency: 'usd', refunded_amount: 2_000, settlement_refunded_amount: 2_000 }),
    ]);
    expect(await list('disputesReport')).toEqual([
      expect.objectContaining({ currency: 'usd', disputed_amount: 1_000, dispute_count: 1 }),
    ]);
    const text = await reports.refundsReport(merchant, monthly, csv, response);
    expect(contentType).toMatch(/^text\/csv/);
    expect(text).toBe(
      'period_start,period_end,currency,payment_method,refunded_amount,settlement_currency,settlement_refunded_amount,refund_count\r\n' +
        `${at('2026-03-01T00:00:00Z')},${at('2026-04-01T00:00:00Z')},usd,,2000,usd,2000,1\r\n`,
    );
  });

  it('shows another merchant only its own rows', async () => {
    const other = await volume({ period: 'month', ...MARCH_APRIL }, { id: OTHER } as MerchantEntity);
    expect(other).toEqual([expect.objectContaining({ gross_amount: 99_999, fee_amount: 2_930, count: 1 })]);
  });

  it('refuses bad parameters with a 400 naming them', async () => {
    const refused = async (query: ReportQueryDto) => {
      const error: unknown = await volume(query).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      const { status, body } = {
        status: (error as ApiError).getStatus(),
        body: (error as ApiError).getResponse(),
      };
      expect(status).toBe(400);
      return (body as { error: { param?: string } }).error.param;
    };
    expect(await refused({ group_by: 'merchant' })).toBe('group_by');
    expect(await refused({ 'created[gte]': 'yesterday' })).toBe('created[gte]');
    expect(
      await refused({
        'created[gte]': at('2026-03-02T00:00:00Z'),
        'created[lt]': at('2026-03-01T00:00:00Z'),
      }),
    ).toBe('created[lt]');
    expect(
      await refused({ period: 'day', 'created[gte]': '0', 'created[lt]': at('2026-03-01T00:00:00Z') }),
    ).toBe('created[gte]');
  });
});
