import { waitFor } from '@platform/testing';
import { readPlatform, request, type Reply, type ServiceName } from './platform';

/**
 * The ledger's books through the running platform: a merchant of our own, with its own pricing,
 * pays in EUR; the ledger posts it, answers balances, statements and entries, verifies its chain.
 */
const platform = readPlatform();
const SUCCEEDING_CARD = '4242424242424242';

function call<T = unknown>(
  service: ServiceName,
  path: string,
  options: { method?: string; token?: string | null; body?: unknown } = {},
): Promise<Reply<T>> {
  const token = options.token === undefined ? platform.adminToken : (options.token ?? undefined);
  return request<T>(`${platform.services[service]}${path}`, { ...options, token });
}

interface Balance {
  balance_minor: string;
  as_of_sequence: string;
}
interface Statement {
  data: {
    entry_id: string;
    sequence: string;
    kind: string;
    amount_minor: string;
    balance_after_minor: string;
  }[];
  has_more: boolean;
}

describe('ledger: the books of one merchant through the platform', () => {
  let merchant: { id: string; api_key: string };
  let paymentId: string;

  beforeAll(async () => {
    const created = await call<{ id: string; api_key: string }>('gateway', '/v1/merchants', {
      method: 'POST',
      body: { name: 'Ledger Books Merchant' },
    });
    expect(created.status).toBe(201);
    merchant = created.body;
  });

  it('charges the merchant its own pricing and posts the capture balanced', async () => {
    const priced = await call('ledger', `/v1/ledger/pricing/${merchant.id}/EUR`, {
      method: 'PUT',
      body: { basis_points: 100, fixed_minor: '10' },
    });
    expect(priced.status).toBe(200);

    const payment = await call<{ id: string; status: string }>('gateway', '/v1/payments', {
      method: 'POST',
      token: merchant.api_key,
      body: {
        amount: 5_000,
        currency: 'eur',
        payment_method: {
          type: 'card',
          card: { number: SUCCEEDING_CARD, exp_month: 12, exp_year: 2035, cvc: '123' },
        },
      },
    });
    expect(payment.status).toBe(200);
    paymentId = payment.body.id;

    // 50.00 at 1 % + 0.10: the merchant is owed 49.40.
    const pending = `merchant_pending:${merchant.id}:EUR`;
    const balance = await waitFor('the capture to reach the ledger', 60_000, async () => {
      const read = await call<Balance>('ledger', `/v1/ledger/accounts/${pending}/balance`);
      return read.status === 200 && read.body.balance_minor !== '0' ? read.body : undefined;
    });
    expect(balance.balance_minor).toBe('-4940');

    const statement = await call<Statement>('ledger', `/v1/ledger/accounts/${pending}/statement`);
    expect(statement.body.data.map((l) => [l.kind, l.amount_minor, l.balance_after_minor])).toEqual([
      ['capture', '-4940', '-4940'],
    ]);
    const line = statement.body.data[0];
    if (line === undefined) throw new Error('empty statement');

    const entry = await call<{
      kind: string;
      payment_id: string;
      details: Record<string, string>;
      postings: { account_code: string; currency: string; amount_minor: string }[];
    }>('ledger', `/v1/ledger/entries/${line.entry_id}`);
    expect(entry.body).toMatchObject({ kind: 'capture', payment_id: paymentId });
    const net = entry.body.postings.reduce((sum, p) => sum + BigInt(p.amount_minor), 0n);
    expect(net).toBe(0n);
    expect(entry.body.postings).toContainEqual({
      account_code: 'fee_revenue:EUR',
      account_type: 'revenue',
      currency: 'EUR',
      amount_minor: '-60',
    });

    // Before the capture the account held nothing; a hold, if one was opened, is released.
    const before = await call<Balance>(
      'ledger',
      `/v1/ledger/accounts/${pending}/balance?as_of_sequence=${BigInt(line.sequence) - 1n}`,
    );
    expect(before.body.balance_minor).toBe('0');
    const hold = await call<Balance>(
      'ledger',
      `/v1/ledger/accounts/merchant_hold:${merchant.id}:EUR/balance`,
    );
    if (hold.status === 200) expect(hold.body.balance_minor).toBe('0');
  });

  it('verifies its chain and keeps the trial balance at zero in every currency', async () => {
    const verify = await call<{ ok: boolean; first_broken_link: unknown }>('ledger', '/v1/ledger/verify');
    expect(verify.body).toMatchObject({ ok: true, first_broken_link: null });
    const trial = await call<{ currencies: { currency: string; net_minor: string }[] }>(
      'ledger',
      '/v1/ledger/trial-balance',
    );
    expect(trial.body.currencies.map((c) => c.currency)).toContain('EUR');
    for (const currency of trial.body.currencies) expect(currency.net_minor).toBe('0');
    const digest = await call<{ sequence: string; hash: string }>('ledger', '/v1/ledger/digest');
    expect(digest.body.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers bad input with a 4xx in the documented shape', async () => {
    const noToken = await call('ledger', '/v1/ledger/verify', { token: null });
    expect(noToken.status).toBe(401);
    const unknown = await call('ledger', `/v1/ledger/accounts/merchant_pending:${merchant.id}:JPY/balance`);
    expect(unknown).toMatchObject({
      status: 404,
      body: { error: { code: 'resource_missing', param: 'code' } },
    });
    const badTime = await call('ledger', `/v1/ledger/accounts/fee_revenue:EUR/balance?as_of=yesterday`);
    expect(badTime).toMatchObject({ status: 400, body: { error: { param: 'as_of' } } });
    const badPricing = await call('ledger', `/v1/ledger/pricing/${merchant.id}/EUR`, {
      method: 'PUT',
      body: { basis_points: 10_001, fixed_minor: '0' },
    });
    expect(badPricing).toMatchObject({ status: 400, body: { error: { param: 'basis_points' } } });
    const badCurrency = await call('ledger', `/v1/ledger/pricing/${merchant.id}/XYZ`, {
      method: 'PUT',
      body: { basis_points: 1, fixed_minor: '0' },
    });
    expect(badCurrency).toMatchObject({ status: 400, body: { error: { param: 'currency' } } });
  });
});
