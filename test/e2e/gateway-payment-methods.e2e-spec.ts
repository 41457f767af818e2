import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { TOPICS, physicalTopicName } from '@platform/contracts';
import { readTopics, testKafka, waitFor } from '@platform/testing';
import {
  freshLoopbackAddress,
  readPlatform,
  request,
  requestFromAddress,
  webhookReceiverPort,
  type Reply,
} from './platform';

/**
 * The merchant API's newer surface against the running platform: bank transfers and wallets
 * completed through the test helper, 3-D Secure resolved the same way, the merchant's settlement
 * currency, webhook secret rotation, and the per-IP limit on failed authentications.
 */

const platform = readPlatform();
const GATEWAY = platform.services.gateway;
const THREE_D_SECURE_CARD = '4000000000003220';
/** The gateway's default AUTH_FAILURES_PER_WINDOW (the e2e platform keeps the default). */
const AUTH_FAILURES_PER_WINDOW = 20;

interface NextAction {
  type: string;
  use_3d_secure?: { challenge_id: string; expires_at: number };
  display_qr_code?: { data: string; expires_at: number };
  display_bank_transfer_instructions?: {
    reference: string;
    amount_remaining: number;
    currency: string;
    expires_at: number;
  };
}
interface Payment {
  id: string;
  status: string;
  amount: number;
  currency: string;
  payment_method: Record<string, unknown>;
  next_action: NextAction | null;
  fx: { settlement_currency: string; settlement_amount: number; exchange_rate: string } | null;
  failure_code: string | null;
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

async function newMerchant(name: string, settlementCurrency?: string): Promise<{ id: string; key: string }> {
  const created = await call<{ id: string; api_key: string }>('/v1/merchants', {
    method: 'POST',
    key: platform.adminToken,
    body: { name, ...(settlementCurrency === undefined ? {} : { settlement_currency: settlementCurrency }) },
  });
  expect(created.status).toBe(201);
  return { id: created.body.id, key: created.body.api_key };
}

function expectError(reply: Reply<unknown>, status: number, error: Partial<ErrorBody['error']>): void {
  expect({ status: reply.status, body: reply.body }).toMatchObject({ status, body: { error } });
}

async function create(key: string, body: Record<string, unknown>): Promise<Payment> {
  const created = await call<Payment>('/v1/payments', { method: 'POST', key, body });
  expect({ status: created.status, body: created.body }).toMatchObject({ status: 200 });
  return created.body;
}

/** The payment once it is waiting for the customer (the create answer may come before). */
async function awaitingAction(key: string, payment: Payment): Promise<Payment> {
  if (payment.status === 'requires_action') return payment;
  return waitFor(`payment ${payment.id} to require an action`, 30_000, async () => {
    const { body } = await call<Payment>(`/v1/payments/${payment.id}`, { key });
    if (body.status !== 'processing' && body.status !== 'requires_action') {
      throw new Error(`payment ${payment.id} went ${body.status} (${String(body.failure_code)})`);
    }
    return body.status === 'requires_action' ? body : undefined;
  });
}

async function resolveAction(key: string, paymentId: string, outcome: 'approved' | 'declined') {
  return call<Payment>(`/v1/test_helpers/payments/${paymentId}/resolve_action`, {
    method: 'POST',
    key,
    body: { outcome },
  });
}

async function finalState(key: string, reply: Reply<Payment>): Promise<Payment> {
  expect(reply.status).toBe(200);
  if (!['processing', 'requires_action'].includes(reply.body.status)) return reply.body;
  return waitFor(`payment ${reply.body.id} to finish`, 30_000, async () => {
    const { body } = await call<Payment>(`/v1/payments/${reply.body.id}`, { key });
    return ['processing', 'requires_action'].includes(body.status) ? undefined : body;
  });
}

describe('gateway: 3-D Secure through the test helper', () => {
  let merchant: { id: string; key: string };
  beforeAll(async () => {
    merchant = await newMerchant('Three D Secure Merchant');
  });

  const cardPayment = (amount: number) => ({
    amount,
    currency: 'usd',
    payment_method: {
      type: 'card',
      card: { number: THREE_D_SECURE_CARD, exp_month: 12, exp_year: 2035, cvc: '123' },
    },
  });

  it('shows the challenge as next_action use_3d_secure, and succeeds once approved', async () => {
    const waiting = await awaitingAction(merchant.key, await create(merchant.key, cardPayment(2_300)));
    expect(waiting.next_action).toEqual({
      type: 'use_3d_secure',
      use_3d_secure: { challenge_id: expect.stringMatching(/^3ds_/), expires_at: expect.any(Number) },
    });
    const done = await finalState(merchant.key, await resolveAction(merchant.key, waiting.id, 'approved'));
    expect(done).toMatchObject({ status: 'succeeded', next_action: null });
  });

  it('fails authentication_failed once declined, and then refuses to resolve again', async () => {
    const waiting = await awaitingAction(merchant.key, await create(merchant.key, cardPayment(2_400)));
    const done = await finalState(merchant.key, await resolveAction(merchant.key, waiting.id, 'declined'));
    expect(done).toMatchObject({ status: 'failed', failure_code: 'authentication_failed' });
    expectError(await resolveAction(merchant.key, waiting.id, 'approved'), 409, {
      code: 'payment_unexpected_state',
    });
  });

  it('gives another merchant a 404 and refuses a bad outcome, leaving the action pending', async () => {
    const waiting = await awaitingAction(merchant.key, await create(merchant.key, cardPayment(2_500)));
    const other = await newMerchant('Three D Secure Other');
    expectError(await resolveAction(other.key, waiting.id, 'approved'), 404, { code: 'resource_missing' });
    expectError(
      await call(`/v1/test_helpers/payments/${waiting.id}/resolve_action`, {
        method: 'POST',
        key: merchant.key,
        body: { outcome: 'maybe' },
      }),
      400,
      { param: 'outcome' },
    );
    expectError(
      await call(`/v1/test_helpers/payments/${waiting.id}/resolve_action`, {
        method: 'POST',
        key: merchant.key,
        body: { outcome: 'approved', extra: 1 },
      }),
      400,
      { code: 'parameter_unknown', param: 'extra' },
    );
    const still = await call<Payment>(`/v1/payments/${waiting.id}`, { key: merchant.key });
    expect(still.body.status).toBe('requires_action');
  });
});

describe('gateway: bank transfers and wallets', () => {
  let merchant: { id: string; key: string };
  beforeAll(async () => {
    merchant = await newMerchant('Async Methods Merchant');
  });

  it('refuses manual capture for a wallet, as Stripe does', async () => {
    const refused = await call('/v1/payments', {
      method: 'POST',
      key: merchant.key,
      body: {
        amount: 1_000,
        currency: 'cny',
        capture_method: 'manual',
        payment_method: { type: 'wallet', wallet: { provider: 'alipay' } },
      },
    });
    expectError(refused, 400, { code: 'parameter_invalid', param: 'capture_method' });
  });

  it('a bank transfer shows its instructions, then succeeds once the bank reports the funds', async () => {
    const created = await create(merchant.key, {
      amount: 4_200,
      currency: 'eur',
      payment_method: { type: 'bank_transfer', bank_transfer: { country: 'DE' } },
    });
    expect(created.payment_method).toEqual({ type: 'bank_transfer', bank_transfer: { country: 'DE' } });
    const waiting = await awaitingAction(merchant.key, created);
    expect(waiting.next_action).toEqual({
      type: 'display_bank_transfer_instructions',
      display_bank_transfer_instructions: {
        reference: expect.any(String),
        amount_remaining: 4_200,
        currency: 'eur',
        expires_at: expect.any(Number),
      },
    });
    const done = await finalState(merchant.key, await resolveAction(merchant.key, waiting.id, 'approved'));
    expect(done).toMatchObject({ status: 'succeeded', next_action: null });
  });

  it('a QR payment shows its code, then fails customer_declined once the customer declines', async () => {
    const created = await create(merchant.key, {
      amount: 1_800,
      currency: 'cny',
      payment_method: { type: 'wallet', wallet: { provider: 'wechat_pay' } },
    });
    expect(created.payment_method).toEqual({ type: 'wallet', wallet: { provider: 'wechat_pay' } });
    const waiting = await awaitingAction(merchant.key, created);
    expect(waiting.next_action).toEqual({
      type: 'display_qr_code',
      display_qr_code: { data: expect.any(String), expires_at: expect.any(Number) },
    });
    const done = await finalState(merchant.key, await resolveAction(merchant.key, waiting.id, 'declined'));
    expect(done).toMatchObject({ status: 'failed', failure_code: 'customer_declined', next_action: null });
  });
});

describe("gateway: the merchant's settlement currency", () => {
  const card = { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' };

  it('is stored, shown on the merchant, and validated', async () => {
    const created = await call<{ id: string; api_key: string; settlement_currency: string | null }>(
      '/v1/merchants',
      {
        method: 'POST',
        key: platform.adminToken,
        body: { name: 'Euro Settler', settlement_currency: 'eur' },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.settlement_currency).toBe('eur');
    const account = await call<{ id: string; settlement_currency: string | null }>('/v1/account', {
      key: created.body.api_key,
    });
    expect(account.body).toMatchObject({ id: created.body.id, settlement_currency: 'eur' });
    const plain = await newMerchant('No Settlement Currency');
    expect((await call<{ settlement_currency: null }>('/v1/account', { key: plain.key })).body).toMatchObject(
      {
        settlement_currency: null,
      },
    );
    for (const settlementCurrency of ['EUR', 'xyz', 'euro', 5]) {
      expectError(
        await call('/v1/merchants', {
          method: 'POST',
          key: platform.adminToken,
          body: { name: 'Bad Settler', settlement_currency: settlementCurrency },
        }),
        400,
        { param: 'settlement_currency' },
      );
    }
  });

  it('goes with payment.create when it differs from the payment currency, and not when it is the same', async () => {
    const merchant = await newMerchant('Euro Settler Payments', 'eur');
    const inDollars = await create(merchant.key, {
      amount: 10_000,
      currency: 'usd',
      payment_method: { type: 'card', card },
    });
    const inEuros = await create(merchant.key, {
      amount: 5_000,
      currency: 'eur',
      payment_method: { type: 'card', card },
    });
    const topic = physicalTopicName(platform.namespace, TOPICS.paymentsCommands.name);
    const commandOf = (messages: readonly { value: string | null }[], paymentId: string) =>
      messages
        .map(
          (message) => JSON.parse(message.value ?? 'null') as { type: string; data: Record<string, unknown> },
        )
        .find((command) => command.type === 'payment.create' && command.data.paymentId === paymentId);
    const messages = await readTopics(
      testKafka(),
      [topic],
      (read) => commandOf(read, inDollars.id) !== undefined && commandOf(read, inEuros.id) !== undefined,
      20_000,
    );
    expect(commandOf(messages, inDollars.id)?.data).toMatchObject({
      currency: 'USD',
      settlementCurrency: 'EUR',
    });
    expect(commandOf(messages, inEuros.id)?.data).toMatchObject({ currency: 'EUR' });
    expect(commandOf(messages, inEuros.id)?.data).not.toHaveProperty('settlementCurrency');
  });

  it('shows the conversion on the payment once captured', async () => {
    const merchant = await newMerchant('Euro Settler FX', 'eur');
    const created = await create(merchant.key, {
      amount: 10_000,
      currency: 'usd',
      payment_method: { type: 'card', card },
    });
    const done = await waitFor(`payment ${created.id} to succeed`, 30_000, async () => {
      const { body } = await call<Payment>(`/v1/payments/${created.id}`, { key: merchant.key });
      return body.status === 'succeeded' ? body : undefined;
    });
    expect(done.fx).toEqual({
      settlement_currency: 'eur',
      settlement_amount: expect.any(Number),
      exchange_rate: expect.stringMatching(/^[0-9]+(\.[0-9]+)?$/),
    });
    expect(done.fx?.settlement_amount).toBeGreaterThan(0);
    const noFx = await create(merchant.key, {
      amount: 700,
      currency: 'eur',
      payment_method: { type: 'card', card },
    });
    const settled = await waitFor(`payment ${noFx.id} to succeed`, 30_000, async () => {
      const { body } = await call<Payment>(`/v1/payments/${noFx.id}`, { key: merchant.key });
      return body.status === 'succeeded' ? body : undefined;
    });
    expect(settled.fx).toBeNull();
  });
});

describe('gateway: webhook signing secret rotation', () => {
  interface Received {
    body: string;
    signature: string;
  }
  const received: Received[] = [];
  let server: Server;
  let port: number;

  /** The receiver's side, from the documented scheme: any v1= that matches the secret will do. */
  function verified(secret: string, item: Received): boolean {
    const parts = item.signature.split(',').map((part) => part.split('=') as [string, string]);
    const timestamp = parts.find(([name]) => name === 't')?.[1];
    const expected = createHmac('sha256', secret).update(`${timestamp}.${item.body}`).digest();
    return parts
      .filter(([name]) => name === 'v1')
      .some(([, value]) => {
        const given = Buffer.from(value, 'hex');
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
  }

  beforeAll(async () => {
    server = createServer((incoming: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: String(incoming.headers['platform-signature'] ?? ''),
        });
        response.writeHead(200).end();
      });
    });
    port = webhookReceiverPort(2);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns a new secret once and signs with both the old and the new one during the overlap', async () => {
    const merchant = await newMerchant('Rotating Webhooks Merchant');
    const endpoint = await call<{ id: string; secret: string }>('/v1/webhook_endpoints', {
      method: 'POST',
      key: merchant.key,
      body: { url: `http://127.0.0.1:${port}/hooks`, enabled_events: ['payment.captured'] },
    });
    expect(endpoint.status).toBe(201);
    const oldSecret = endpoint.body.secret;
    const rotated = await call<{ id: string; secret: string; previous_secret_expires: number | null }>(
      `/v1/webhook_endpoints/${endpoint.body.id}/rotate_secret`,
      { method: 'POST', key: merchant.key },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(oldSecret);
    expect(rotated.body.previous_secret_expires).toEqual(expect.any(Number));
    const read = await call(`/v1/webhook_endpoints/${endpoint.body.id}`, { key: merchant.key });
    expect(JSON.stringify(read.body)).not.toContain(rotated.body.secret);
    const other = await newMerchant('Rotating Webhooks Other');
    expectError(
      await call(`/v1/webhook_endpoints/${endpoint.body.id}/rotate_secret`, {
        method: 'POST',
        key: other.key,
      }),
      404,
      { code: 'resource_missing' },
    );

    const payment = await create(merchant.key, {
      amount: 3_300,
      currency: 'usd',
      payment_method: {
        type: 'card',
        card: { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' },
      },
    });
    const delivered = await waitFor('the payment.captured webhook', 30_000, () =>
      received.find((item) => item.body.includes('"payment.captured"') && item.body.includes(payment.id)),
    );
    expect(delivered.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verified(rotated.body.secret, delivered)).toBe(true);
    expect(verified(oldSecret, delivered)).toBe(true);
    expect(verified('whsec_wrong', delivered)).toBe(false);
  });
});

describe('gateway: failed authentications per client address', () => {
  /** One request from a chosen loopback source address, so this test has an IP of its own. */
  async function fromAddress(
    localAddress: string,
    path: string,
    key: string,
  ): Promise<{ status: number; retryAfter: string | undefined; body: unknown }> {
    const reply = await requestFromAddress(`${GATEWAY}${path}`, {
      localAddress,
      headers: { authorization: `Bearer ${key}` },
    });
    const retryAfter = reply.headers['retry-after'];
    return { status: reply.status, retryAfter, body: JSON.parse(reply.text) as unknown };
  }

  const freshAddress = freshLoopbackAddress;

  it('answers 429 with Retry-After to the failures of an address past its limit, while a good key from there goes on', async () => {
    const merchant = await newMerchant('Auth Failures Merchant');
    const address = freshAddress();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < AUTH_FAILURES_PER_WINDOW; attempt += 1) {
      // A different wrong key each time: a sprayer, so only the address counter can stop it.
      const sprayed = `sk_test_${String(attempt).padStart(32, 'x')}`;
      statuses.push((await fromAddress(address, '/v1/account', sprayed)).status);
    }
    expect(statuses).toEqual(Array<number>(AUTH_FAILURES_PER_WINDOW).fill(401));
    const limited = await fromAddress(address, '/v1/account', `sk_test_${'y'.repeat(32)}`);
    expect(limited).toMatchObject({
      status: 429,
      body: { error: { type: 'rate_limit_error', code: 'authentication_rate_limit' } },
    });
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    // The neighbour behind the same address (a NAT, a load balancer) is not locked out.
    expect((await fromAddress(address, '/v1/account', merchant.key)).status).toBe(200);
    expect((await fromAddress(address, '/v1/account', `sk_test_${'z'.repeat(32)}`)).status).toBe(429);
    expect((await fromAddress(freshAddress(), '/v1/account', `sk_test_${'z'.repeat(32)}`)).status).toBe(401);
  });

  it('limits one presented credential across addresses: a dead key retried from everywhere gets 429', async () => {
    const merchant = await newMerchant('Revoked Key Merchant');
    const second = await request<{ id: string; secret: string }>(`${GATEWAY}/v1/api_keys`, {
      method: 'POST',
      token: merchant.key,
    });
    expect(second.status).toBe(201);
    const revoked = await request(`${GATEWAY}/v1/api_keys/${second.body.id}`, {
      method: 'DELETE',
      token: merchant.key,
    });
    expect(revoked.status).toBe(200);
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= AUTH_FAILURES_PER_WINDOW; attempt += 1) {
      statuses.push((await fromAddress(freshAddress(), '/v1/account', second.body.secret)).status);
    }
    expect(statuses).toEqual([...Array<number>(AUTH_FAILURES_PER_WINDOW).fill(401), 429]);
    expect((await fromAddress(freshAddress(), '/v1/account', merchant.key)).status).toBe(200);
  });
});
