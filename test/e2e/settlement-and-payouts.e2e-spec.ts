import { waitFor } from '@platform/testing';
import { onboardMerchant, readPlatform, request, type Reply, type ServiceName } from './platform';

/**
 * Money after the payment, through the running platform: card payments captured at the gateway,
 * settled by payments' operator endpoint and posted by the ledger (pending → available), then paid
 * out through the gateway; a payout above the balance, or one the bank rejects, fails and leaves
 * the balance whole. Afterwards the merchant's balance transactions add up to its balance, each
 * payout's to its amount, and another merchant sees none of them.
 */
const platform = readPlatform();
const SUCCEEDING_CARD = '4242424242424242';
const SETTLE_LIMIT_MS = 60_000;

function call<T = unknown>(
  service: ServiceName,
  path: string,
  options: { method?: string; token?: string; body?: unknown } = {},
): Promise<Reply<T>> {
  return request<T>(`${platform.services[service]}${path}`, {
    ...options,
    token: options.token ?? platform.adminToken,
  });
}

interface Payout {
  id: string;
  status: 'pending' | 'paid' | 'failed';
  failure_code: string | null;
  amount: number;
}
interface BalanceTransaction {
  id: string;
  net: number;
  fee: number;
  amount: number;
  currency: string;
  status: 'pending' | 'available';
  type: string;
  payout: string | null;
}
interface Balance {
  available: { amount: number; currency: string }[];
  pending: { amount: number; currency: string }[];
}

describe('settlement and payouts through the platform', () => {
  let merchant: { id: string; api_key: string };
  /** What the merchant can be paid out, per the ledger, after each step. */
  let availableMinor = 0n;
  /** Payouts the ledger answered (paid or failed), with their amounts. */
  const answeredPayouts = new Map<string, number>();

  const ledgerOwed = async (kind: string): Promise<bigint> => {
    const read = await call<{ balance_minor: string }>(
      'ledger',
      `/v1/ledger/accounts/${kind}:${merchant.id}:USD/balance`,
    );
    if (read.status === 404) return 0n;
    expect(read.status).toBe(200);
    return -BigInt(read.body.balance_minor);
  };

  const gatewayAvailable = async (): Promise<bigint> => {
    const read = await call<Balance>('gateway', '/v1/balance', { token: merchant.api_key });
    expect(read.status).toBe(200);
    return BigInt(read.body.available.find((a) => a.currency === 'usd')?.amount ?? 0);
  };

  /** A payout through the gateway, followed until it is paid or failed. */
  async function payout(amount: number): Promise<Reply<Payout>> {
    const created = await call<Payout>('gateway', '/v1/payouts', {
      method: 'POST',
      token: merchant.api_key,
      body: { amount, currency: 'usd' },
    });
    if (created.status !== 200) return created;
    const done =
      created.body.status !== 'pending'
        ? created
        : await waitFor(`payout ${created.body.id} to finish`, SETTLE_LIMIT_MS, async () => {
            const read = await call<Payout>('gateway', `/v1/payouts/${created.body.id}`, {
              token: merchant.api_key,
            });
            return read.body.status !== 'pending' && read;
          });
    // A payout refused by the ledger reserved nothing: no balance transactions to reconcile.
    if (done.body.failure_code !== 'insufficient_balance') answeredPayouts.set(done.body.id, amount);
    return done;
  }

  beforeAll(async () => {
    const created = await call<{ id: string; api_key: string }>('gateway', '/v1/merchants', {
      method: 'POST',
      body: { name: 'Settlement And Payouts Merchant' },
    });
    expect(created.status).toBe(201);
    merchant = created.body;
  });

  it('settles captured payments: the ledger moves them from pending to available', async () => {
    for (const amount of [10_000, 5_000, 2_500]) {
      const payment = await call<{ status: string }>('gateway', '/v1/payments', {
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
      expect(payment.status).toBe(200);
      expect(payment.body.status).toBe('succeeded');
    }
    // 17 500 at the default 2.90 % + 0.30 each: 16 902 owed to the merchant.
    const pending = await waitFor('the captures in the ledger', SETTLE_LIMIT_MS, async () => {
      const owed = await ledgerOwed('merchant_pending');
      return owed === 16_902n && owed;
    });
    expect(await ledgerOwed('merchant_available')).toBe(0n);

    // Settling runs until the ledger has the merchant's captures settled (each once booked).
    await waitFor(
      'the settlement of the merchant captures',
      SETTLE_LIMIT_MS,
      async () => {
        const run = await call<{ data: { id: string }[] }>('payments', '/v1/settlements/run', {
          method: 'POST',
        });
        expect(run.status).toBe(200);
        return (await ledgerOwed('merchant_pending')) === 0n;
      },
      300,
    );
    availableMinor = await ledgerOwed('merchant_available');
    expect(availableMinor).toBe(pending);
    const statement = await call<{ data: { kind: string }[] }>(
      'ledger',
      `/v1/ledger/accounts/merchant_available:${merchant.id}:USD/statement`,
    );
    expect(statement.body.data.map((line) => line.kind)).toEqual(expect.arrayContaining(['settlement']));
    const trial = await call<{ currencies: { net_minor: string }[] }>('ledger', '/v1/ledger/trial-balance');
    for (const currency of trial.body.currencies) expect(currency.net_minor).toBe('0');
    // The gateway's balance follows the ledger.
    await waitFor(
      'the gateway balance',
      SETTLE_LIMIT_MS,
      async () => (await gatewayAvailable()) === availableMinor,
    );
    // Nothing left to settle for this merchant: a second run changes nothing.
    await call('payments', '/v1/settlements/run', { method: 'POST' });
    expect(await ledgerOwed('merchant_available')).toBe(availableMinor);
  });

  it('pays out through the gateway, and the available balance drops by the payout', async () => {
    const paid = await payout(6_000);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', failure_code: null, amount: 6_000 });
    const operator = await call<{ status: string; merchant_id: string }>(
      'payments',
      `/v1/payouts/${paid.body.id}`,
    );
    expect(operator.body).toMatchObject({ status: 'paid', merchant_id: merchant.id });
    await waitFor(
      'the payout in the ledger',
      SETTLE_LIMIT_MS,
      async () =>
        (await ledgerOwed('payouts_in_flight')) === 0n &&
        (await ledgerOwed('merchant_available')) === availableMinor - 6_000n,
    );
    availableMinor -= 6_000n;
    await waitFor(
      'the gateway balance',
      SETTLE_LIMIT_MS,
      async () => (await gatewayAvailable()) === availableMinor,
    );
  });

  it('fails a payout the bank rejects and gives the funds back', async () => {
    const rejected = await payout(1_013);
    expect(rejected.body).toMatchObject({ status: 'failed', failure_code: 'bank_rejected' });
    await waitFor('the reversal in the ledger', SETTLE_LIMIT_MS, async () => {
      const statement = await call<{ data: { kind: string }[] }>(
        'ledger',
        `/v1/ledger/accounts/merchant_available:${merchant.id}:USD/statement`,
      );
      return statement.body.data.some((line) => line.kind === 'payout_failed');
    });
    expect(await ledgerOwed('merchant_available')).toBe(availableMinor);
  });

  it('refuses a payout above the balance: at the gateway, or at the ledger with insufficient_balance', async () => {
    await waitFor(
      'the gateway balance',
      SETTLE_LIMIT_MS,
      async () => (await gatewayAvailable()) === availableMinor,
    );
    const above = await payout(Number(availableMinor) + 1);
    expect(above).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', code: 'balance_insufficient', param: 'amount' } },
    });
    // Two at once, each within the balance but not together: the gateway's read model may let both
    // through; then the ledger's reservation refuses one and payments fails it insufficient_balance.
    const share = Number((availableMinor * 6n) / 10n);
    const outcomes = await Promise.all([payout(share), payout(share)]);
    const paid = outcomes.filter((o) => o.status === 200 && o.body.status === 'paid');
    const refused = outcomes.filter((o) => o !== paid[0]);
    expect(paid).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const [other] = refused;
    if (other?.status === 200) {
      expect(other.body).toMatchObject({ status: 'failed', failure_code: 'insufficient_balance' });
    } else {
      expect(other).toMatchObject({ status: 400, body: { error: { code: 'balance_insufficient' } } });
    }
    availableMinor -= BigInt(share);
    await waitFor(
      'the ledger after the payouts',
      SETTLE_LIMIT_MS,
      async () =>
        (await ledgerOwed('payouts_in_flight')) === 0n &&
        (await ledgerOwed('merchant_available')) === availableMinor,
    );
    expect(availableMinor).toBeGreaterThanOrEqual(0n);
  });

  it("keeps the merchant's balance equal to its balance transactions, and each payout equal to what it lists", async () => {
    const txnsOf = async (query: string, token = merchant.api_key): Promise<BalanceTransaction[]> => {
      const all: BalanceTransaction[] = [];
      let after = '';
      for (;;) {
        const page = await call<{ data: BalanceTransaction[]; has_more: boolean }>(
          'gateway',
          `/v1/balance_transactions?limit=100${query}${after === '' ? '' : `&starting_after=${after}`}`,
          { token },
        );
        expect(page.status).toBe(200);
        all.push(...page.body.data);
        const last = page.body.data[page.body.data.length - 1];
        if (!page.body.has_more || last === undefined) return all;
        after = last.id;
      }
    };
    const sumOf = (rows: BalanceTransaction[], status?: string): number =>
      rows
        .filter((row) => status === undefined || row.status === status)
        .reduce((sum, row) => sum + row.net, 0);

    // A refund after the payouts: taken from available, a refund row of its own.
    const payment = await call<{ id: string; status: string }>('gateway', '/v1/payments', {
      method: 'POST',
      token: merchant.api_key,
      body: {
        amount: 3_000,
        currency: 'usd',
        payment_method: {
          type: 'card',
          card: { number: SUCCEEDING_CARD, exp_month: 12, exp_year: 2035, cvc: '123' },
        },
      },
    });
    expect(payment.body.status).toBe('succeeded');
    const refund = await call<{ status: string }>('gateway', '/v1/refunds', {
      method: 'POST',
      token: merchant.api_key,
      body: { payment: payment.body.id, amount: 1_000 },
    });
    expect(refund.status).toBe(200);

    let balance: Balance | undefined;
    let rows: BalanceTransaction[] = [];
    let seen: unknown = null;
    const matched = await waitFor(
      'the balance transactions to match the balance',
      SETTLE_LIMIT_MS,
      async () => {
        rows = await txnsOf('&currency=usd');
        balance = (await call<Balance>('gateway', '/v1/balance', { token: merchant.api_key })).body;
        const pendingNow = balance.pending.find((b) => b.currency === 'usd')?.amount ?? 0;
        const availableNow = balance.available.find((b) => b.currency === 'usd')?.amount ?? 0;
        seen = {
          pendingNow,
          availableNow,
          pendingRows: sumOf(rows, 'pending'),
          availableRows: sumOf(rows, 'available'),
          rows: rows.map((row) => `${row.type}:${row.status}:${row.net}`),
        };
        return (
          rows.some((row) => row.type === 'refund') &&
          sumOf(rows, 'pending') === pendingNow &&
          sumOf(rows, 'available') === availableNow
        );
      },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; seen ${JSON.stringify(seen)}`);
    });
    expect(matched).toBe(true);
    expect(rows.map((row) => row.type)).toEqual(
      expect.arrayContaining(['charge', 'payout', 'payout_failure', 'refund']),
    );
    for (const row of rows) expect(row.net).toBe(row.amount - row.fee);

    expect(answeredPayouts.size).toBeGreaterThanOrEqual(3);
    for (const [payoutId, amount] of answeredPayouts) {
      const listed = await txnsOf(`&payout=${payoutId}`);
      expect({ payoutId, total: sumOf(listed) }).toEqual({ payoutId, total: amount });
      const csv = await call('gateway', `/v1/payouts/${payoutId}/reconciliation.csv`, {
        token: merchant.api_key,
      });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toBe('id,type,source,created,currency,amount,fee,net');
      expect(lines).toHaveLength(listed.length + 2);
      expect(lines[lines.length - 1]?.split(',').slice(4)).toEqual(
        expect.arrayContaining(['usd', String(amount)]),
      );
      expect(lines[lines.length - 1]?.split(',')[7]).toBe(String(amount));
    }

    // Another merchant's key sees none of it.
    const stranger = await onboardMerchant('Balance Transactions Stranger');
    const [someRow] = rows;
    const [somePayout = ''] = [...answeredPayouts.keys()];
    expect((await stranger.call(`/v1/balance_transactions/${someRow?.id ?? ''}`)).status).toBe(404);
    const theirs = await stranger.call<{ data: unknown[] }>(`/v1/balance_transactions?payout=${somePayout}`);
    expect(theirs).toMatchObject({ status: 200, body: { data: [] } });
    expect((await stranger.call(`/v1/payouts/${somePayout}/reconciliation.csv`)).status).toBe(404);
    const own = await call<BalanceTransaction>('gateway', `/v1/balance_transactions/${someRow?.id ?? ''}`, {
      token: merchant.api_key,
    });
    expect(own).toMatchObject({ status: 200, body: { id: someRow?.id } });

    const openapi = await request<{ paths: Record<string, unknown> }>(
      `${platform.services.gateway}/openapi.json`,
    );
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/balance_transactions',
        '/v1/balance_transactions/{id}',
        '/v1/payouts/{id}/reconciliation.csv',
      ]),
    );
  });
});
