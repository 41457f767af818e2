import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { allTopicDefinitions, physicalTopicName } from '@platform/contracts';
import { readTopics, testKafka, waitFor } from '@platform/testing';
import { readPlatform, request, webhookReceiverPort, type Reply, type ServiceName } from './platform';

/** The merchant API of the gateway against the running platform: conventions, errors, security. */

const platform = readPlatform();
const GATEWAY = platform.services.gateway;
const SERVICES: ServiceName[] = ['gateway', 'payments', 'risk', 'ledger', 'reporting'];
/** A valid Visa number only this file pays with, so a scan for it finds this file's payments only. */
const KNOWN_CARD = '4111111111111111';
const DECLINED_CARD = '4000000000000002';

interface Payment {
  id: string;
  status: string;
  amount: number;
  amount_captured: number;
  created: number;
}
interface List<T> {
  object: 'list';
  has_more: boolean;
  data: T[];
}
interface ErrorBody {
  error: { type: string; code: string; message: string; param?: string };
}
function call<T = unknown>(
  path: string,
  options: { method?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  return request<T>(`${GATEWAY}${path}`, { ...options, token: options.key });
}

async function newMerchant(name: string): Promise<{ id: string; key: string }> {
  const created = await call<{ id: string; api_key: string }>('/v1/merchants', {
    method: 'POST',
    key: platform.adminToken,
    body: { name },
  });
  expect(created.status).toBe(201);
  return { id: created.body.id, key: created.body.api_key };
}

function paymentBody(amount: number, card = KNOWN_CARD, extra: Record<string, unknown> = {}) {
  return {
    amount,
    currency: 'usd',
    payment_method: { type: 'card', card: { number: card, exp_month: 12, exp_year: 2035, cvc: '123' } },
    ...extra,
  };
}

function pay(key: string, amount: number, options: { idempotencyKey?: string; card?: string } = {}) {
  return call<Payment>('/v1/payments', {
    method: 'POST',
    key,
    body: paymentBody(amount, options.card),
    headers: options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey },
  });
}

async function settled(key: string, paymentId: string): Promise<Payment> {
  return waitFor(`payment ${paymentId} to leave processing`, 30_000, async () => {
    const { body } = await call<Payment>(`/v1/payments/${paymentId}`, { key });
    return body.status === 'processing' ? undefined : body;
  });
}

function expectError(reply: Reply<unknown>, status: number, error: Partial<ErrorBody['error']>): void {
  expect({ status: reply.status, body: reply.body }).toMatchObject({ status, body: { error } });
}

describe('gateway: idempotency keys', () => {
  let merchant: { id: string; key: string };
  beforeAll(async () => {
    merchant = await newMerchant('Idempotency Merchant');
  });

  it('replays the first answer for the same key and body, whatever the key order', async () => {
    const key = `order-${randomUUID()}`;
    const first = await pay(merchant.key, 1_500, { idempotencyKey: key });
    expect(first.status).toBe(200);
    const reordered = {
      payment_method: paymentBody(1_500).payment_method,
      currency: 'usd',
      amount: 1_500,
    };
    const again = await call<Payment>('/v1/payments', {
      method: 'POST',
      key: merchant.key,
      body: reordered,
      headers: { 'idempotency-key': key },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const list = await call<List<Payment>>('/v1/payments?limit=100', { key: merchant.key });
    expect(list.body.data.map((payment) => payment.id)).toEqual([first.body.id]);
  });

  it('refuses the same key with another body', async () => {
    const key = `order-${randomUUID()}`;
    expect((await pay(merchant.key, 1_000, { idempotencyKey: key })).status).toBe(200);
    const other = await pay(merchant.key, 1_001, { idempotencyKey: key });
    expectError(other, 400, { type: 'idempotency_error', code: 'idempotency_key_reused' });
  });

  it('never runs two concurrent requests with one key', async () => {
    const before = await call<List<Payment>>('/v1/payments?limit=100', { key: merchant.key });
    const key = `order-${randomUUID()}`;
    const replies = await Promise.all([
      pay(merchant.key, 2_000, { idempotencyKey: key }),
      pay(merchant.key, 2_000, { idempotencyKey: key }),
    ]);
    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses).toEqual([200, 409]);
    const conflict = replies.find((reply) => reply.status === 409);
    expect(conflict?.body).toMatchObject({
      error: { type: 'idempotency_error', code: 'idempotency_key_in_use' },
    });
    const after = await call<List<Payment>>('/v1/payments?limit=100', { key: merchant.key });
    expect(after.body.data.length).toBe(before.body.data.length + 1);
    // Once the first has finished, the key replays it.
    const replay = await pay(merchant.key, 2_000, { idempotencyKey: key });
    const winner = replies.find((reply) => reply.status === 200);
    expect(replay.body.id).toBe(winner?.body.id);
  });

  it('stores nothing for a request refused before any write, so the key stays usable', async () => {
    const key = `order-${randomUUID()}`;
    const refused = await call('/v1/payments', {
      method: 'POST',
      key: merchant.key,
      body: { ...paymentBody(500), amount: 'five' },
      headers: { 'idempotency-key': key },
    });
    expectError(refused, 400, { type: 'invalid_request_error', param: 'amount' });
    const badCard = await pay(merchant.key, 500, { idempotencyKey: key, card: '4242424242424241' });
    expectError(badCard, 402, { type: 'card_error' });
    const accepted = await pay(merchant.key, 500, { idempotencyKey: key });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('idempotent-replayed')).toBeNull();
  });

  it('rejects a malformed key', async () => {
    const reply = await pay(merchant.key, 500, { idempotencyKey: 'x'.repeat(256) });
    expectError(reply, 400, { code: 'idempotency_key_invalid' });
  });

  it('keeps keys per merchant: another merchant may use the same key', async () => {
    const key = `shared-${randomUUID()}`;
    const other = await newMerchant('Idempotency Other');
    const mine = await pay(merchant.key, 700, { idempotencyKey: key });
    const theirs = await pay(other.key, 700, { idempotencyKey: key });
    expect(mine.status).toBe(200);
    expect(theirs.status).toBe(200);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });
});

describe('gateway: listing payments', () => {
  let merchant: { id: string; key: string };
  const ids: string[] = [];
  beforeAll(async () => {
    merchant = await newMerchant('Pagination Merchant');
    for (let index = 0; index < 5; index += 1) {
      const reply = await pay(merchant.key, 100 + index, { card: DECLINED_CARD });
      expect(reply.status).toBe(200);
      ids.unshift(reply.body.id); // newest first
    }
  });

  it('pages newest first with starting_after and back with ending_before', async () => {
    const first = await call<List<Payment>>('/v1/payments?limit=2', { key: merchant.key });
    expect(first.body).toMatchObject({ object: 'list', has_more: true });
    expect(first.body.data.map((payment) => payment.id)).toEqual(ids.slice(0, 2));
    const second = await call<List<Payment>>(`/v1/payments?limit=2&starting_after=${ids[1]}`, {
      key: merchant.key,
    });
    expect(second.body.data.map((payment) => payment.id)).toEqual(ids.slice(2, 4));
    expect(second.body.has_more).toBe(true);
    const last = await call<List<Payment>>(`/v1/payments?limit=2&starting_after=${ids[3]}`, {
      key: merchant.key,
    });
    expect(last.body.data.map((payment) => payment.id)).toEqual(ids.slice(4));
    expect(last.body.has_more).toBe(false);
    const back = await call<List<Payment>>(`/v1/payments?limit=2&ending_before=${ids[2]}`, {
      key: merchant.key,
    });
    expect(back.body.data.map((payment) => payment.id)).toEqual(ids.slice(0, 2));
    const all = await call<List<Payment>>('/v1/payments?limit=100', { key: merchant.key });
    expect(all.body.data.map((payment) => payment.id)).toEqual(ids);
  });

  it('filters by created', async () => {
    const all = await call<List<Payment>>('/v1/payments?limit=100', { key: merchant.key });
    const oldest = Math.min(...all.body.data.map((payment) => payment.created));
    const newest = Math.max(...all.body.data.map((payment) => payment.created));
    const inRange = await call<List<Payment>>(
      `/v1/payments?limit=100&created[gte]=${oldest}&created[lte]=${newest}`,
      { key: merchant.key },
    );
    expect(inRange.body.data.map((payment) => payment.id)).toEqual(ids);
    const future = await call<List<Payment>>(`/v1/payments?created[gt]=${newest}`, { key: merchant.key });
    expect(future.body.data).toEqual([]);
    const past = await call<List<Payment>>(`/v1/payments?created[lt]=${oldest}`, { key: merchant.key });
    expect(past.body.data).toEqual([]);
  });

  it('refuses bad list parameters with the parameter named', async () => {
    expectError(await call('/v1/payments?limit=0', { key: merchant.key }), 400, { param: 'limit' });
    expectError(await call('/v1/payments?limit=101', { key: merchant.key }), 400, { param: 'limit' });
    expectError(await call('/v1/payments?limit=ten', { key: merchant.key }), 400, { param: 'limit' });
    expectError(await call('/v1/payments?created[gte]=yesterday', { key: merchant.key }), 400, {
      param: 'created[gte]',
    });
    expectError(
      await call('/v1/payments?starting_after=pay_doesnotexist00000000', { key: merchant.key }),
      400,
      {
        code: 'resource_missing',
        param: 'starting_after',
      },
    );
    expectError(
      await call(`/v1/payments?starting_after=${ids[0]}&ending_before=${ids[1]}`, { key: merchant.key }),
      400,
      { param: 'ending_before' },
    );
    expectError(await call('/v1/payments?colour=blue', { key: merchant.key }), 400, {
      code: 'parameter_unknown',
    });
  });
});

describe('gateway: filtering and searching payments', () => {
  let merchant: { id: string; key: string };
  let other: { id: string; key: string };
  const ids: Record<string, string> = {};
  const create = async (key: string, amount: number, extra: Record<string, unknown>, card = KNOWN_CARD) => {
    const reply = await call<Payment>('/v1/payments', {
      method: 'POST',
      key,
      body: paymentBody(amount, card, extra),
    });
    expect(reply.status).toBe(200);
    return reply.body;
  };
  const listed = async (path: string, key = merchant.key): Promise<string[]> => {
    const reply = await call<List<Payment>>(path, { key });
    expect(reply.status).toBe(200);
    return reply.body.data.map((payment) => payment.id);
  };
  const search = (query: string, extra = '', key = merchant.key) =>
    call<List<Payment> & { next_page: string | null }>(
      `/v1/payments/search?query=${encodeURIComponent(query)}${extra}`,
      { key },
    );

  beforeAll(async () => {
    merchant = await newMerchant('Search Merchant');
    other = await newMerchant('Search Neighbour');
    ids.first = (
      await create(merchant.key, 1200, { metadata: { order_id: 'e2e-1' }, customer: { id: 'cus_e2e_a' } })
    ).id;
    ids.second = (
      await create(merchant.key, 3400, { metadata: { order_id: 'e2e-2' }, customer: { id: 'cus_e2e_b' } })
    ).id;
    ids.declined = (
      await create(
        merchant.key,
        5600,
        { metadata: { order_id: 'e2e-3' }, customer: { id: 'cus_e2e_a' } },
        DECLINED_CARD,
      )
    ).id;
    // The neighbour's payment shares the metadata and the customer id: it must never show up.
    ids.neighbours = (
      await create(other.key, 1200, { metadata: { order_id: 'e2e-1' }, customer: { id: 'cus_e2e_a' } })
    ).id;
  });

  it('filters the list by status, amount, customer, metadata and card', async () => {
    expect(await listed('/v1/payments?status=failed')).toEqual([ids.declined]);
    expect(await listed('/v1/payments?amount[gte]=3000&amount[lt]=6000')).toEqual([ids.declined, ids.second]);
    expect(await listed('/v1/payments?customer=cus_e2e_a')).toEqual([ids.declined, ids.first]);
    expect(await listed('/v1/payments?metadata[order_id]=e2e-1')).toEqual([ids.first]);
    expect(await listed('/v1/payments?payment_method[card][last4]=1111&currency=USD')).toEqual([
      ids.second,
      ids.first,
    ]);
    expect(await listed('/v1/payments?metadata[order_id]=e2e-1', other.key)).toEqual([ids.neighbours]);
    expectError(await call('/v1/payments?amount[gte]=12.50', { key: merchant.key }), 400, {
      type: 'invalid_request_error',
      code: 'parameter_invalid',
      param: 'amount[gte]',
    });
    expectError(await call('/v1/payments?status=paid', { key: merchant.key }), 400, { param: 'status' });
  });

  it("searches with the query language and pages with next_page, only the merchant's own", async () => {
    const found = await search("metadata['order_id']:'e2e-1' OR amount>=5000");
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      object: 'list',
      url: '/v1/payments/search',
      has_more: false,
      next_page: null,
    });
    expect(found.body.data.map((payment) => payment.id)).toEqual([ids.declined, ids.first]);
    expect((await search("customer:'cus_e2e_a' AND -status:'failed'")).body.data.map((p) => p.id)).toEqual([
      ids.first,
    ]);

    const first = await search('amount>0', '&limit=2');
    expect(first.body.data.map((payment) => payment.id)).toEqual([ids.declined, ids.second]);
    expect(first.body.has_more).toBe(true);
    const second = await search('amount>0', `&limit=2&page=${first.body.next_page ?? ''}`);
    expect(second.body.data.map((payment) => payment.id)).toEqual([ids.first]);
    expect(second.body.next_page).toBeNull();

    const neighbour = await search("metadata['order_id']:'e2e-1'", '', other.key);
    expect(neighbour.body.data.map((payment) => payment.id)).toEqual([ids.neighbours]);
    // The neighbour's page token names a payment that is not the merchant's.
    const neighbourPage = Buffer.from(ids.neighbours ?? '').toString('base64url');
    expectError(await search('amount>0', `&page=${neighbourPage}`), 400, { param: 'page' });
  });

  it('answers a bad query as 400 parameter_invalid on query, saying where', async () => {
    const reply = await search("status:'paid' AND amount>1");
    expectError(reply, 400, { type: 'invalid_request_error', code: 'parameter_invalid', param: 'query' });
    expect((reply.body as unknown as ErrorBody).error.message).toContain('(at position 8)');
    expectError(await search("status:'failed' AND amount>1 OR amount<5"), 400, { param: 'query' });
    expectError(await call('/v1/payments/search', { key: merchant.key }), 400, { param: 'query' });
    expectError(await search('amount>1', '&colour=red'), 400, { code: 'parameter_unknown' });
  });
});

describe('gateway: errors and isolation', () => {
  let alice: { id: string; key: string };
  let bob: { id: string; key: string };
  let alicePayment: Payment;
  beforeAll(async () => {
    alice = await newMerchant('Alice');
    bob = await newMerchant('Bob');
    const created = await pay(alice.key, 4_000);
    alicePayment =
      created.body.status === 'processing' ? await settled(alice.key, created.body.id) : created.body;
    expect(alicePayment.status).toBe('succeeded');
  });

  it("gives merchant B a 404 for merchant A's payment, and no way to refund, capture or cancel it", async () => {
    expectError(await call(`/v1/payments/${alicePayment.id}`, { key: bob.key }), 404, {
      code: 'resource_missing',
    });
    expectError(
      await call('/v1/refunds', { method: 'POST', key: bob.key, body: { payment: alicePayment.id } }),
      404,
      { code: 'resource_missing', param: 'payment' },
    );
    expectError(
      await call(`/v1/payments/${alicePayment.id}/capture`, { method: 'POST', key: bob.key }),
      404,
      {
        code: 'resource_missing',
      },
    );
    expectError(await call(`/v1/payments/${alicePayment.id}/cancel`, { method: 'POST', key: bob.key }), 404, {
      code: 'resource_missing',
    });
    const bobList = await call<List<Payment>>('/v1/payments', { key: bob.key });
    expect(bobList.body.data).toEqual([]);
    const bobEvents = await call<List<unknown>>('/v1/events', { key: bob.key });
    expect(bobEvents.body.data).toEqual([]);
  });

  it('answers every kind of bad request in the error shape, never a 500', async () => {
    expectError(await call('/v1/payments'), 401, { type: 'authentication_error' });
    expectError(await call('/v1/payments', { key: 'sk_test_nope' }), 401, { type: 'authentication_error' });
    expectError(await call('/v1/payments/pay_doesnotexist00000000', { key: alice.key }), 404, {
      code: 'resource_missing',
    });
    expectError(
      await call('/v1/payments', { method: 'POST', key: alice.key, body: { ...paymentBody(100), tip: 1 } }),
      400,
      {
        code: 'parameter_unknown',
        param: 'tip',
      },
    );
    expectError(
      await call('/v1/payments', { method: 'POST', key: alice.key, body: { currency: 'usd' } }),
      400,
      {
        code: 'parameter_missing',
      },
    );
    expectError(await pay(alice.key, 100, { card: '4242424242424241' }), 402, { type: 'card_error' });
    const walletWithCard = {
      amount: 100,
      currency: 'usd',
      payment_method: {
        type: 'wallet',
        wallet: { provider: 'alipay' },
        card: paymentBody(100).payment_method.card,
      },
    };
    expectError(await call('/v1/payments', { method: 'POST', key: alice.key, body: walletWithCard }), 400, {
      param: 'payment_method[card]',
    });
    expectError(
      await call('/v1/payments', {
        method: 'POST',
        key: alice.key,
        body: { amount: 100, currency: 'usd', payment_method: { type: 'bank_transfer' } },
      }),
      400,
      { param: 'payment_method[bank_transfer]' },
    );
    expectError(
      await call('/v1/payments', {
        method: 'POST',
        key: alice.key,
        body: {
          amount: 100,
          currency: 'usd',
          payment_method: { type: 'wallet', wallet: { provider: 'paypal' } },
        },
      }),
      400,
      { param: 'payment_method[wallet][provider]' },
    );
    // A succeeded payment cannot be captured or canceled again.
    expectError(
      await call(`/v1/payments/${alicePayment.id}/capture`, { method: 'POST', key: alice.key }),
      409,
      {
        code: 'payment_unexpected_state',
      },
    );
    expectError(
      await call(`/v1/payments/${alicePayment.id}/cancel`, { method: 'POST', key: alice.key }),
      409,
      {
        code: 'payment_unexpected_state',
      },
    );
    expectError(
      await call('/v1/refunds', {
        method: 'POST',
        key: alice.key,
        body: { payment: alicePayment.id, amount: alicePayment.amount + 1 },
      }),
      400,
      { code: 'amount_too_large', param: 'amount' },
    );
    expectError(
      await call('/v1/refunds', { method: 'POST', key: alice.key, body: { payment: 'not-a-payment' } }),
      400,
      { param: 'payment' },
    );
    const notJson = await fetch(`${GATEWAY}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'text/plain' },
      body: 'amount=100',
    });
    expect(notJson.status).toBe(415);
    const brokenJson = await fetch(`${GATEWAY}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'application/json' },
      body: '{"amount": 1',
    });
    expect(brokenJson.status).toBe(400);
    const huge = await fetch(`${GATEWAY}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...paymentBody(100), description: 'x'.repeat(200_000) }),
    });
    expect(huge.status).toBe(413);
    for (const path of [
      '/v1/payments/%',
      '/v1/refunds/re_%00',
      '/v1/events/evt_x',
      '/v1/webhook_endpoints/we_',
    ]) {
      const reply = await call(path, { key: alice.key });
      expect({ path, serverError: reply.status >= 500 }).toEqual({ path, serverError: false });
    }
  });

  it("refuses a payout above the available balance and shows no one else's payouts or disputes", async () => {
    expectError(
      await call('/v1/payouts', { method: 'POST', key: bob.key, body: { amount: 1_000, currency: 'usd' } }),
      400,
      { code: 'balance_insufficient', param: 'amount' },
    );
    expectError(
      await call('/v1/payouts', { method: 'POST', key: bob.key, body: { amount: 1_000, currency: 'xyz' } }),
      400,
      { param: 'currency' },
    );
    const payouts = await call<List<unknown>>('/v1/payouts', { key: bob.key });
    expect(payouts.body).toMatchObject({ object: 'list', data: [], has_more: false });
    const disputes = await call<List<unknown>>('/v1/disputes', { key: bob.key });
    expect(disputes.body).toMatchObject({ object: 'list', data: [], has_more: false });
    expectError(
      await call('/v1/disputes/dp_doesnotexist000000000/evidence', {
        method: 'POST',
        key: bob.key,
        body: { evidence: 'Delivered, signed for.' },
      }),
      404,
      { code: 'resource_missing' },
    );
    expectError(await call('/v1/payouts/po_doesnotexist000000000', { key: bob.key }), 404, {
      code: 'resource_missing',
    });
  });

  it('lets a merchant rotate keys: a revoked key gets 401, the others keep working', async () => {
    const created = await call<{ id: string; secret: string }>('/v1/api_keys', {
      method: 'POST',
      key: alice.key,
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^sk_test_/);
    expect((await call('/v1/account', { key: created.body.secret })).status).toBe(200);
    expectError(await call(`/v1/api_keys/${created.body.id}`, { method: 'DELETE', key: bob.key }), 404, {
      code: 'resource_missing',
    });
    const revoked = await call<{ revoked: number | null }>(`/v1/api_keys/${created.body.id}`, {
      method: 'DELETE',
      key: alice.key,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked).toEqual(expect.any(Number));
    expectError(await call('/v1/account', { key: created.body.secret }), 401, {
      type: 'authentication_error',
    });
    expect((await call('/v1/account', { key: alice.key })).status).toBe(200);
    const listed = await call<List<{ id: string; last4: string }>>('/v1/api_keys', { key: alice.key });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
  });

  it("shows the merchant's balance and events from the ledger and payment events", async () => {
    // 40.00 at the default 2.9% + 0.30: 1.46 in fees, 38.54 pending for the merchant.
    const balance = await waitFor('the capture to reach the balance', 30_000, async () => {
      const { body } = await call<{ pending: { amount: number; currency: string }[] }>('/v1/balance', {
        key: alice.key,
      });
      return body.pending.length > 0 ? body : undefined;
    });
    expect(balance).toMatchObject({ object: 'balance', pending: [{ amount: 3_854, currency: 'usd' }] });
    const events = await call<List<{ type: string; data: { object: { id: string } } }>>('/v1/events', {
      key: alice.key,
    });
    expect(events.body.data.map((event) => event.type)).toContain('payment.captured');
    expect(events.body.data.every((event) => event.data.object.id === alicePayment.id)).toBe(true);
  });
});

describe('gateway: webhooks', () => {
  interface Received {
    body: string;
    signature: string;
  }
  let merchant: { id: string; key: string };
  let server: Server;
  let port: number;
  const received: Received[] = [];

  function listen(onPort: number): Promise<Server> {
    const receiver = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: String(request.headers['platform-signature'] ?? ''),
        });
        response.writeHead(200).end();
      });
    });
    return new Promise((resolve) => receiver.listen(onPort, '127.0.0.1', () => resolve(receiver)));
  }

  /** The receiver's side, written from the documented scheme, not from the gateway's code. */
  function verified(secret: string, item: Received): boolean {
    const fields = Object.fromEntries(
      item.signature.split(',').map((part) => part.split('=') as [string, string]),
    );
    const expected = createHmac('sha256', secret).update(`${fields.t}.${item.body}`).digest();
    const given = Buffer.from(fields.v1 ?? '', 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  beforeAll(async () => {
    merchant = await newMerchant('Webhook Merchant');
    port = webhookReceiverPort(0);
    server = await listen(port);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('delivers each event signed with t= and v1=, the secret shown once', async () => {
    const endpoint = await call<{ id: string; secret: string; url: string }>('/v1/webhook_endpoints', {
      method: 'POST',
      key: merchant.key,
      body: { url: `http://127.0.0.1:${port}/hooks` },
    });
    expect(endpoint.status).toBe(201);
    expect(endpoint.body.secret).toMatch(/^whsec_/);
    const read = await call(`/v1/webhook_endpoints/${endpoint.body.id}`, { key: merchant.key });
    expect(JSON.stringify(read.body)).not.toContain(endpoint.body.secret);

    const payment = await pay(merchant.key, 3_000);
    const delivered = await waitFor('the payment.captured webhook', 30_000, () =>
      received.find(
        (item) => item.body.includes('"payment.captured"') && item.body.includes(payment.body.id),
      ),
    );
    expect(delivered.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verified(endpoint.body.secret, delivered)).toBe(true);
    expect(verified('whsec_wrong', delivered)).toBe(false);
    const event = JSON.parse(delivered.body) as {
      id: string;
      type: string;
      data: { object: { id: string } };
    };
    expect(event).toMatchObject({
      object: 'event',
      type: 'payment.captured',
      data: { object: { id: payment.body.id } },
    });
    // The receiver has the request before the worker records the answer: wait for the record.
    await waitFor('the delivery recorded as succeeded', 30_000, async () => {
      const log = await call<List<{ event: string; status: string }>>(
        `/v1/webhook_endpoints/${endpoint.body.id}/deliveries`,
        { key: merchant.key },
      );
      return log.body.data.find((item) => item.event === event.id && item.status === 'succeeded');
    });

    const removed = await call(`/v1/webhook_endpoints/${endpoint.body.id}`, {
      method: 'DELETE',
      key: merchant.key,
    });
    expect(removed.body).toMatchObject({ deleted: true });
    expectError(await call(`/v1/webhook_endpoints/${endpoint.body.id}`, { key: merchant.key }), 404, {
      code: 'resource_missing',
    });
  });

  // Issue 16: an unknown type was stored and then silently never delivered.
  it('refuses event types the gateway never delivers, and accepts * and the ones it does', async () => {
    const url = `http://127.0.0.1:${port}/hooks`;
    for (const enabled of [['no.such.event'], ['payment.captured', 'payment.capture']]) {
      const refused = await call('/v1/webhook_endpoints', {
        method: 'POST',
        key: merchant.key,
        body: { url, enabled_events: enabled },
      });
      expectError(refused, 400, {
        type: 'invalid_request_error',
        code: 'parameter_invalid',
        param: 'enabled_events',
      });
      expect((refused.body as ErrorBody).error.message).toMatch(
        /^Invalid enabled_events: .*payment\.captured/,
      );
    }
    for (const enabled of [['*'], ['dispute.updated', 'payout.failed']]) {
      const created = await call<{ id: string; enabled_events: string[] }>('/v1/webhook_endpoints', {
        method: 'POST',
        key: merchant.key,
        body: { url, enabled_events: enabled },
      });
      expect([created.status, created.body.enabled_events]).toEqual([201, enabled]);
      await call(`/v1/webhook_endpoints/${created.body.id}`, { method: 'DELETE', key: merchant.key });
    }
  });

  it('redelivers after the receiver was down', async () => {
    // An allow-listed port nothing listens on yet.
    const downPort = webhookReceiverPort(1);
    const endpoint = await call<{ id: string; secret: string }>('/v1/webhook_endpoints', {
      method: 'POST',
      key: merchant.key,
      body: { url: `http://127.0.0.1:${downPort}/hooks`, enabled_events: ['payment.captured'] },
    });
    const payment = await pay(merchant.key, 3_100);
    await waitFor('a failed first attempt in the delivery log', 30_000, async () => {
      const log = await call<List<{ attempts: number; status: string; last_error: string | null }>>(
        `/v1/webhook_endpoints/${endpoint.body.id}/deliveries`,
        { key: merchant.key },
      );
      const [delivery] = log.body.data;
      return delivery !== undefined && delivery.attempts >= 1 && delivery.status === 'pending'
        ? delivery
        : undefined;
    });
    const up = await listen(downPort);
    try {
      const delivered = await waitFor('the redelivery once the receiver is up', 45_000, () =>
        received.find(
          (item) => item.body.includes('"payment.captured"') && item.body.includes(payment.body.id),
        ),
      );
      expect(verified(endpoint.body.secret, delivered)).toBe(true);
      const recorded = await waitFor('the redelivery recorded as succeeded', 30_000, async () => {
        const log = await call<List<{ attempts: number; status: string }>>(
          `/v1/webhook_endpoints/${endpoint.body.id}/deliveries`,
          { key: merchant.key },
        );
        return log.body.data[0]?.status === 'succeeded' ? log.body.data[0] : undefined;
      });
      expect(recorded.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await new Promise((resolve) => up.close(resolve));
    }
  });
});

describe('gateway: the card number stays in the vault', () => {
  it('is found in no topic, no log file and no database dump after a run of payments', async () => {
    const merchant = await newMerchant('Leak Scan Merchant');
    for (let index = 0; index < 3; index += 1) {
      const reply = await pay(merchant.key, 900 + index, { idempotencyKey: `scan-${randomUUID()}` });
      expect(reply.status).toBe(200);
      await settled(merchant.key, reply.body.id);
    }
    const topics = allTopicDefinitions().map((topic) => physicalTopicName(platform.namespace, topic.name));
    const messages = await readTopics(testKafka(), topics, () => false, 5_000);
    expect(messages.length).toBeGreaterThan(5);
    expect(
      messages.filter((message) =>
        `${message.value} ${JSON.stringify(message.headers)}`.includes(KNOWN_CARD),
      ),
    ).toEqual([]);
    for (const file of readdirSync(platform.logDir)) {
      const leaked = readFileSync(join(platform.logDir, file), 'utf8').includes(KNOWN_CARD);
      expect({ file, leaked }).toEqual({ file, leaked: false });
    }
    for (const service of SERVICES) {
      const dump = execFileSync(
        'pg_dump',
        ['-h', '127.0.0.1', '-U', 'postgres', platform.databases[service]],
        {
          encoding: 'utf8',
          maxBuffer: 256 * 1024 * 1024,
        },
      );
      expect({ service, leaked: dump.includes(KNOWN_CARD) }).toEqual({ service, leaked: false });
    }
  });
});

describe('gateway: OpenAPI', () => {
  it('documents every route with its request and response schemas, and serves Swagger UI', async () => {
    // Imported here: the controllers' own route metadata is the list the document must cover.
    const { GATEWAY_CONTROLLERS } = await import('../../apps/gateway/src/gateway.module');
    const { PATH_METADATA, METHOD_METADATA } = await import('@nestjs/common/constants');
    const { RequestMethod } = await import('@nestjs/common');
    interface Operation {
      requestBody?: { content?: Record<string, { schema?: unknown }> };
      responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
    }
    const reply = await call<{ openapi: string; paths: Record<string, Record<string, Operation>> }>(
      '/openapi.json',
    );
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toMatch(/^3\./);
    const routes: { method: string; path: string }[] = [];
    for (const controller of GATEWAY_CONTROLLERS) {
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const prototype = controller.prototype as unknown as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
        if (method === undefined) continue;
        const path =
          `/${[base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')].filter((part) => part !== '' && part !== '/').join('/')}`.replace(
            /:([A-Za-z_]+)/g,
            '{$1}',
          );
        routes.push({ method: String(RequestMethod[method]).toLowerCase(), path });
      }
    }
    expect(routes.length).toBeGreaterThanOrEqual(20);
    for (const route of routes) {
      const operation = reply.body.paths[route.path]?.[route.method];
      const success = Object.entries(operation?.responses ?? {}).find(([status]) => /^2/.test(status))?.[1];
      const documented = {
        route: `${route.method.toUpperCase()} ${route.path}`,
        inDocument: operation !== undefined,
        // A CSV-only route (a payout's reconciliation report) documents its text/csv answer.
        responseSchema:
          (success?.content?.['application/json'] ?? success?.content?.['text/csv'])?.schema !== undefined,
        errorSchema: operation?.responses?.['400']?.content?.['application/json']?.schema !== undefined,
        requestSchema:
          route.method !== 'post' ||
          operation?.requestBody?.content?.['application/json']?.schema !== undefined,
      };
      expect(documented).toEqual({
        route: documented.route,
        inDocument: true,
        responseSchema: true,
        errorSchema: true,
        requestSchema: true,
      });
    }
    const docs = await fetch(`${GATEWAY}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
    const bundle = await fetch(`${GATEWAY}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    await bundle.arrayBuffer();
    expect((await fetch(`${GATEWAY}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});
