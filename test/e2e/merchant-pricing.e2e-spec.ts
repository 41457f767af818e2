import { waitFor } from '@platform/testing';
import { readPlatform, request, type Reply, type ServiceName } from './platform';

/**
 * A merchant's pricing set at the gateway reaches the ledger by merchant.pricing_set: the admin
 * onboards a merchant at 2.5 % + 0.30 in USD, it is paid 100.00 and owed exactly 97.20; the admin
 * changes the price, and once the ledger applied it the next payment is charged the new one.
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

interface PricingEntry {
  currency: string;
  basis_points: number;
  fixed_amount: number;
}
interface Merchant {
  id: string;
  object: 'merchant';
  name: string;
  settlement_currency: string | null;
  pricing: PricingEntry[];
  api_key: string;
}
interface Statement {
  data: { entry_id: string; kind: string; amount_minor: string }[];
}
interface Entry {
  payment_id: string;
  postings: { account_code: string; amount_minor: string }[];
}

describe('merchant pricing: set at the gateway, charged by the ledger', () => {
  let merchant: Merchant;

  /** Pays 100.00 with a good card; answers what the capture entry gave the merchant and took as fee. */
  async function payAndBook(amount: number): Promise<{ toMerchant: bigint; fee: bigint }> {
    const payment = await call<{ id: string; status: string }>('gateway', '/v1/payments', {
      method: 'POST',
      token: merchant.api_key,
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
    const pending = `merchant_pending:${merchant.id}:USD`;
    const entry = await waitFor(`the capture of ${payment.body.id} in the ledger`, 60_000, async () => {
      const statement = await call<Statement>('ledger', `/v1/ledger/accounts/${pending}/statement`);
      if (statement.status !== 200) return undefined;
      for (const line of statement.body.data.filter((l) => l.kind === 'capture')) {
        const read = await call<Entry>('ledger', `/v1/ledger/entries/${line.entry_id}`);
        if (read.body.payment_id === payment.body.id) return read.body;
      }
      return undefined;
    });
    const posted = (code: string) =>
      entry.postings
        .filter((p) => p.account_code === code)
        .reduce((sum, p) => sum - BigInt(p.amount_minor), 0n);
    return { toMerchant: posted(pending), fee: posted('fee_revenue:USD') };
  }

  async function ledgerPricing(): Promise<{ basis_points: number; fixed_minor: string } | undefined> {
    const list = await call<{ data: { currency: string; basis_points: number; fixed_minor: string }[] }>(
      'ledger',
      `/v1/ledger/pricing/${merchant.id}`,
    );
    expect(list.status).toBe(200);
    return list.body.data.find((entry) => entry.currency === 'USD');
  }

  beforeAll(async () => {
    const created = await call<Merchant>('gateway', '/v1/merchants', {
      method: 'POST',
      body: {
        name: 'Priced Merchant',
        settlement_currency: 'usd',
        pricing: [{ currency: 'usd', basis_points: 250, fixed_amount: 30 }],
      },
    });
    expect(created.status).toBe(201);
    merchant = created.body;
  });

  it('shows the pricing on the merchant, to the admin and to the merchant itself', async () => {
    expect(merchant).toMatchObject({
      object: 'merchant',
      settlement_currency: 'usd',
      pricing: [{ currency: 'usd', basis_points: 250, fixed_amount: 30 }],
    });
    const admin = await call<Merchant>('gateway', `/v1/merchants/${merchant.id}`);
    expect(admin.status).toBe(200);
    expect(admin.body.pricing).toEqual(merchant.pricing);
    expect(admin.body).not.toHaveProperty('api_key');
    const account = await call<Merchant>('gateway', '/v1/account', { token: merchant.api_key });
    expect(account.body).toMatchObject({
      id: merchant.id,
      settlement_currency: 'usd',
      pricing: merchant.pricing,
    });
  });

  it('charges 2.5 % + 0.30 on 100.00: the merchant is owed 97.20', async () => {
    await waitFor(
      'the ledger to apply the pricing',
      60_000,
      async () => (await ledgerPricing()) !== undefined,
    );
    expect(await ledgerPricing()).toMatchObject({ basis_points: 250, fixed_minor: '30' });
    expect(await payAndBook(10_000)).toEqual({ toMerchant: 9_720n, fee: 280n });
  });

  it('charges the next payment at the new pricing once the ledger applied it', async () => {
    const updated = await call<Merchant>('gateway', `/v1/merchants/${merchant.id}`, {
      method: 'POST',
      body: {
        pricing: [
          { currency: 'usd', basis_points: 100, fixed_amount: 0 },
          { currency: 'eur', basis_points: 150, fixed_amount: 25 },
        ],
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.pricing).toEqual([
      { currency: 'eur', basis_points: 150, fixed_amount: 25 },
      { currency: 'usd', basis_points: 100, fixed_amount: 0 },
    ]);
    await waitFor(
      'the ledger to apply 1 %',
      60_000,
      async () => (await ledgerPricing())?.basis_points === 100,
    );
    expect(await payAndBook(10_000)).toEqual({ toMerchant: 9_900n, fee: 100n });
  });

  it('changes the settlement currency and keeps what the update leaves out', async () => {
    const updated = await call<Merchant>('gateway', `/v1/merchants/${merchant.id}`, {
      method: 'POST',
      body: { settlement_currency: 'eur' },
    });
    expect(updated.body).toMatchObject({ name: 'Priced Merchant', settlement_currency: 'eur' });
    expect(updated.body.pricing).toHaveLength(2);
  });

  it('answers bad input and unknown merchants with a 4xx in the documented shape', async () => {
    const twice = await call('gateway', `/v1/merchants/${merchant.id}`, {
      method: 'POST',
      body: {
        pricing: [
          { currency: 'usd', basis_points: 1, fixed_amount: 0 },
          { currency: 'usd', basis_points: 2, fixed_amount: 0 },
        ],
      },
    });
    expect(twice).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', param: 'pricing' } },
    });
    const tooDear = await call('gateway', '/v1/merchants', {
      method: 'POST',
      body: { name: 'Too Dear', pricing: [{ currency: 'usd', basis_points: 10_001, fixed_amount: 0 }] },
    });
    expect(tooDear).toMatchObject({ status: 400, body: { error: { param: 'pricing[0][basis_points]' } } });
    const unknown = await call('gateway', '/v1/merchants/mer_doesnotexist00', { method: 'POST', body: {} });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'resource_missing' } } });
    const asMerchant = await call('gateway', `/v1/merchants/${merchant.id}`, { token: merchant.api_key });
    expect(asMerchant.status).toBe(401);
  });
});
