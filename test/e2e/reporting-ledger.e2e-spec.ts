import { Client } from 'pg';
import { onboardMerchant, readPlatform, request, waitFor, type Reply } from './platform';

const platform = readPlatform();
const SUCCEEDING_CARD = '4242424242424242';
const AMOUNTS = [10_000, 2_550, 999];

interface TrialBalance {
  accounts: { code: string; balance_minor: string }[];
}
interface BalanceLine {
  account_code: string;
  balance_minor: string;
}
interface Reconciliation {
  same_sequence: boolean;
  difference_count: number;
  differences: { check: string; key: Record<string, string>; expected: string; actual: string }[];
}
interface Status {
  active_generation: number;
  rebuild: { generation: number; state: string } | null;
}

function call<T>(
  service: 'gateway' | 'ledger' | 'reporting',
  path: string,
  options: { method?: string; token: string; body?: unknown },
): Promise<Reply<T>> {
  return request<T>(`${platform.services[service]}${path}`, options);
}

async function newMerchant(name: string, settlementCurrency?: string): Promise<{ id: string; key: string }> {
  const created = await call<{ id: string; api_key: string }>('gateway', '/v1/merchants', {
    method: 'POST',
    token: platform.adminToken,
    body: { name, ...(settlementCurrency === undefined ? {} : { settlement_currency: settlementCurrency }) },
  });
  expect(created.status).toBe(201);
  return { id: created.body.id, key: created.body.api_key };
}

async function pay(merchant: { key: string }, amount: number): Promise<void> {
  const created = await call<{ id: string; status: string }>('gateway', '/v1/payments', {
    method: 'POST',
    token: merchant.key,
    body: {
      amount,
      currency: 'usd',
      payment_method: {
        type: 'card',
        card: { number: SUCCEEDING_CARD, exp_month: 12, exp_year: 2035, cvc: '123' },
      },
    },
  });
  expect(created.status).toBe(200);
}

/** The ledger's own balances of the merchant's accounts (the test may ask the ledger; reporting may not). */
async function ledgerBalances(merchantId: string): Promise<Record<string, string>> {
  const { body } = await call<TrialBalance>('ledger', '/v1/ledger/trial-balance', {
    token: platform.adminToken,
  });
  return Object.fromEntries(
    body.accounts.filter((a) => a.code.includes(`:${merchantId}:`)).map((a) => [a.code, a.balance_minor]),
  );
}

async function reportedBalances(merchantId: string): Promise<Record<string, string>> {
  const { body } = await call<{ data: BalanceLine[] }>(
    'reporting',
    `/v1/reports/balances?merchant=${merchantId}`,
    {
      token: platform.analystToken,
    },
  );
  return Object.fromEntries(body.data.map((line) => [line.account_code, line.balance_minor]));
}

function canonical(balances: Record<string, string>): string {
  return JSON.stringify(Object.entries(balances).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function reconcile(query = ''): Promise<Reconciliation> {
  return call<Reconciliation>('reporting', `/v1/reconciliation${query}`, { token: platform.adminToken }).then(
    (r) => r.body,
  );
}

describe('reporting agrees with the ledger', () => {
  let merchant: { id: string; key: string };

  beforeAll(async () => {
    merchant = await newMerchant('Reporting E2E Merchant');
  });

  it("reports the merchant's volume and balances exactly as the ledger's trial balance has them", async () => {
    for (const amount of AMOUNTS) await pay(merchant, amount);
    // Reporting sees the three captures only after the ledger posted them.
    await waitFor('the three captures to reach reporting', 30_000, async () => {
      const { body } = await call<{ data: { count: number }[] }>(
        'reporting',
        `/v1/reports/volume?merchant=${merchant.id}&group_by=&period=month`,
        { token: platform.analystToken },
      );
      return body.data[0]?.count === AMOUNTS.length;
    });
    const ledger = await ledgerBalances(merchant.id);
    expect(Object.keys(ledger)).toContain(`merchant_pending:${merchant.id}:USD`);
    const reported = await waitFor("reporting's balances to equal the ledger's", 30_000, async () => {
      const balances = await reportedBalances(merchant.id);
      return canonical(balances) === canonical(ledger) ? balances : undefined;
    });
    expect(reported).toEqual(ledger);
    const volume = await call<{ data: { gross_amount: string; fee_amount: string; count: number }[] }>(
      'reporting',
      `/v1/reports/volume?merchant=${merchant.id}&group_by=&period=month`,
      { token: platform.analystToken },
    );
    const gross = AMOUNTS.reduce((sum, a) => sum + a, 0);
    expect(volume.body.data).toHaveLength(1);
    expect(volume.body.data[0]).toMatchObject({ gross_amount: String(gross), count: AMOUNTS.length });
    expect(BigInt(volume.body.data[0]!.gross_amount) - BigInt(volume.body.data[0]!.fee_amount)).toBe(
      -BigInt(ledger[`merchant_pending:${merchant.id}:USD`]!),
    );
  });

  // Issue 16: the JPY fee of a USD payment was reported as USD and subtracted from the USD gross.
  it('reports a USD payment to a merchant settling in JPY with its fee and net in JPY, as the ledger posted them', async () => {
    const settler = await newMerchant('Reporting E2E Yen Settler', 'jpy');
    await pay(settler, 10_000);
    interface Line {
      currency: string;
      gross_amount: string;
      settlement_currency: string;
      settlement_gross_amount: string;
      fee_amount: string;
      net_amount: string;
      count: number;
    }
    const line = await waitFor('the capture to reach reporting', 30_000, async () => {
      const { body } = await call<{ data: Line[] }>(
        'reporting',
        `/v1/reports/volume?merchant=${settler.id}&group_by=&period=month`,
        { token: platform.analystToken },
      );
      return body.data[0]?.count === 1 ? body.data : undefined;
    });
    expect(line).toHaveLength(1);
    const row = line[0]!;
    expect(row).toMatchObject({ currency: 'usd', gross_amount: '10000', settlement_currency: 'jpy' });
    expect(BigInt(row.fee_amount)).toBeGreaterThan(0n);
    // Net is exactly what the ledger credited the merchant's JPY pending account.
    const ledger = await waitFor("reporting's balances to equal the ledger's", 30_000, async () => {
      const balances = await ledgerBalances(settler.id);
      return canonical(await reportedBalances(settler.id)) === canonical(balances) ? balances : undefined;
    });
    expect(row.net_amount).toBe(String(-BigInt(ledger[`merchant_pending:${settler.id}:JPY`]!)));
    expect(BigInt(row.settlement_gross_amount) - BigInt(row.fee_amount)).toBe(BigInt(row.net_amount));
    // The fee is the JPY revenue the capture posted (fees come from the revenue postings).
    const fees = await call<{ data: { currency: string; merchant: string; fee_revenue: string }[] }>(
      'reporting',
      `/v1/reports/fees?merchant=${settler.id}&group_by=merchant&period=month`,
      { token: platform.analystToken },
    );
    expect(fees.body.data.map((f) => [f.currency, f.fee_revenue])).toEqual([['jpy', row.fee_amount]]);
    const mine = (await reconcile()).differences.filter((d) => d.key.merchant === settler.id);
    expect(mine).toEqual([]);
  });

  // Issue 16 item 3: the merchant's own reports, through the gateway with its API key, folded by the
  // gateway from the same ledger entries reporting folds: the two agree, and no merchant sees another's.
  it("answers the merchant's own volume report through the gateway, equal to reporting's for it", async () => {
    const shop = await onboardMerchant('Reports E2E Shop');
    const neighbour = await onboardMerchant('Reports E2E Neighbour');
    const paid: string[] = [];
    for (const amount of [4_000, 1_500]) {
      const payment = await shop.call<{ id: string; status: string }>('/v1/payments', {
        method: 'POST',
        body: {
          amount,
          currency: 'usd',
          payment_method: {
            type: 'card',
            card: { number: SUCCEEDING_CARD, exp_month: 12, exp_year: 2035, cvc: '123' },
          },
        },
      });
      expect(payment.body.status).toBe('succeeded');
      paid.push(payment.body.id);
    }
    const refund = await shop.call<{ status: string }>('/v1/refunds', {
      method: 'POST',
      body: { payment: paid[0], amount: 700 },
    });
    expect(refund.body.status).toBe('succeeded');

    // Per currency pair and method, what both reports say, as integer strings.
    const FIELDS = ['gross_amount', 'refunded_amount', 'settlement_gross_amount', 'fee_amount'];
    const more = ['settlement_refunded_amount', 'net_amount', 'count', 'refund_count'];
    const totals = (rows: Record<string, unknown>[]): Record<string, Record<string, string>> => {
      const byKey: Record<string, Record<string, bigint>> = {};
      for (const row of rows) {
        const key = `${String(row.currency)}/${String(row.settlement_currency)}/${String(row.payment_method)}`;
        const sums = (byKey[key] ??= {});
        for (const field of [...FIELDS, ...more])
          sums[field] = (sums[field] ?? 0n) + BigInt(String(row[field]));
      }
      return Object.fromEntries(
        Object.entries(byKey).map(([key, sums]) => [
          key,
          Object.fromEntries(Object.entries(sums).map(([field, sum]) => [field, sum.toString()])),
        ]),
      );
    };
    const analysts = await waitFor('the captures and the refund to reach reporting', 30_000, async () => {
      const { body } = await call<{ data: Record<string, unknown>[] }>(
        'reporting',
        `/v1/reports/volume?merchant=${shop.id}&group_by=method&period=month`,
        { token: platform.analystToken },
      );
      const sums = totals(body.data);
      return sums['usd/usd/card']?.count === '2' && sums['usd/usd/card'].refund_count === '1'
        ? sums
        : undefined;
    });
    expect(analysts['usd/usd/card']).toMatchObject({ gross_amount: '5500', refunded_amount: '700' });
    const own = await waitFor("the gateway's report to equal reporting's", 30_000, async () => {
      const { body } = await shop.call<{ object: string; data: Record<string, unknown>[] }>(
        '/v1/reports/volume?period=month',
      );
      return JSON.stringify(totals(body.data)) === JSON.stringify(analysts) ? body : undefined;
    });
    expect(own.object).toBe('list');
    expect(own.data.every((row) => typeof row.gross_amount === 'number')).toBe(true);

    const theirs = await neighbour.call<{ data: unknown[] }>('/v1/reports/volume?period=month');
    expect(theirs.status).toBe(200);
    expect(theirs.body.data).toEqual([]);
    const refunds = await shop.call<{ data: Record<string, unknown>[] }>('/v1/reports/refunds?group_by=');
    expect(refunds.body.data.map((row) => [row.settlement_currency, row.settlement_refunded_amount])).toEqual(
      [['usd', 700]],
    );

    const sheet = await shop.call('/v1/reports/volume?period=week', { headers: { accept: 'text/csv' } });
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(sheet.text).toMatch(/^period_start,period_end,currency,payment_method,gross_amount,/);
    const bad = await shop.call<{ error: { param: string } }>('/v1/reports/volume?period=year');
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('period');
  });

  it('rebuilds while payments flow and ends equal, row for row, to the live projection', async () => {
    const before = (await call<Status>('reporting', '/v1/projections/status', { token: platform.adminToken }))
      .body;
    const started = await call<{ generation: number }>('reporting', '/v1/projections/rebuild', {
      method: 'POST',
      token: platform.adminToken,
    });
    expect(started.status).toBe(202);
    for (const amount of [1_234, 4_321, 777]) await pay(merchant, amount);
    await waitFor('the rebuild to swap in', 60_000, async () => {
      const { body } = await call<Status>('reporting', '/v1/projections/status', {
        token: platform.adminToken,
      });
      return body.rebuild?.generation === started.body.generation && body.rebuild.state === 'completed';
    });
    expect(started.body.generation).toBe(before.active_generation + 1);
    // Other test files' payments may still flow: compare once both generations stand at one sequence.
    const compared = await waitFor(
      'the rebuilt and the live generation to agree row for row',
      30_000,
      async () => {
        const report = await reconcile('?against=retired');
        return report.same_sequence && report.difference_count === 0 ? report : undefined;
      },
    );
    expect(compared.differences).toEqual([]);
  });

  it('reconciles with zero differences, and reports one when a projection row is altered', async () => {
    expect((await reconcile()).differences).toEqual([]);
    const { body: status } = await call<Status>('reporting', '/v1/projections/status', {
      token: platform.adminToken,
    });
    const client = new Client({
      connectionString: `postgres://postgres@127.0.0.1:5432/${platform.databases.reporting}`,
    });
    await client.connect();
    const account = `merchant_pending:${merchant.id}:USD`;
    const table = `reporting_g${status.active_generation}.balances`;
    try {
      await client.query(`UPDATE ${table} SET credit_minor = credit_minor + 5 WHERE account_code = $1`, [
        account,
      ]);
      const altered = await reconcile();
      expect(altered.differences).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ check: 'trial_balance', key: { currency: 'USD' } }),
          expect.objectContaining({
            check: 'merchant_balances',
            key: { merchant: merchant.id, currency: 'USD' },
          }),
        ]),
      );
      const mine = altered.differences.find((d) => d.check === 'merchant_balances');
      expect(BigInt(mine!.expected) - BigInt(mine!.actual)).toBe(-5n);
    } finally {
      await client.query(`UPDATE ${table} SET credit_minor = credit_minor - 5 WHERE account_code = $1`, [
        account,
      ]);
      await client.end();
    }
    expect((await reconcile()).differences).toEqual([]);
  });
});
