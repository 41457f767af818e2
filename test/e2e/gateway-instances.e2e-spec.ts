import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@platform/testing';
import { readPlatform, request, type Reply } from './platform';

/**
 * A second gateway process on another port, against the same database and topic namespace: a
 * payment made through one is answered settled and read through the other, and the rate limit
 * (kept in Postgres) holds across both. The second one runs as production would where the local
 * platform cannot: cards only, and webhooks refused for every internal target.
 */

const platform = readPlatform();
const FIRST = platform.services.gateway;
const SECOND_PORT = platform.ports.gateway + 50;
const SECOND = `http://127.0.0.1:${SECOND_PORT}`;
/** Per key and hour on the second instance: above what the two-instance test sends through it. */
const RATE_LIMIT = 10;
/** Per merchant (all its keys) and hour on the second instance. */
const MERCHANT_RATE_LIMIT = 15;

interface Payment {
  id: string;
  status: string;
}

function call<T = unknown>(
  base: string,
  path: string,
  options: { method?: string; key?: string; body?: unknown } = {},
): Promise<Reply<T>> {
  return request<T>(`${base}${path}`, { ...options, token: options.key });
}

async function newMerchantKey(name: string): Promise<string> {
  const created = await call<{ api_key: string }>(FIRST, '/v1/merchants', {
    method: 'POST',
    key: platform.adminToken,
    body: { name },
  });
  expect(created.status).toBe(201);
  return created.body.api_key;
}

let second: ChildProcess;
let secondLog = '';

beforeAll(async () => {
  expect((await call(FIRST, '/health')).status).toBe(200);
  const launches = JSON.parse(readFileSync(join(platform.stateDir, 'services.json'), 'utf8')) as Record<
    string,
    { env: Record<string, string> }
  >;
  const env = launches.gateway?.env;
  if (env === undefined) throw new Error('no gateway launch in services.json');
  second = spawn(process.execPath, ['apps/gateway/dist/main.js'], {
    cwd: join(__dirname, '..', '..'),
    env: {
      ...process.env,
      ...env,
      PORT: String(SECOND_PORT),
      OTEL_TRACES_EXPORTER: 'none',
      // Long enough to ride out the consumer-group rebalance this second instance causes.
      PAYMENT_SETTLE_WAIT_MS: '25000',
      RATE_LIMIT_REQUESTS_PER_WINDOW: String(RATE_LIMIT),
      MERCHANT_RATE_LIMIT_REQUESTS_PER_WINDOW: String(MERCHANT_RATE_LIMIT),
      RATE_LIMIT_WINDOW_SECONDS: '3600',
      PAYMENT_METHODS_ENABLED: 'card',
      // Production's default: no internal target allowed, not even the receivers the tests use.
      WEBHOOK_ALLOWED_TARGETS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  second.stdout?.on('data', (chunk: Buffer) => (secondLog = (secondLog + chunk.toString()).slice(-20_000)));
  second.stderr?.on('data', (chunk: Buffer) => (secondLog = (secondLog + chunk.toString()).slice(-20_000)));
  await waitFor('the second gateway to answer /health', 60_000, async () => {
    if (second.exitCode !== null) throw new Error(`second gateway exited: ${secondLog}`);
    try {
      return (await call(SECOND, '/health')).status === 200 ? true : undefined;
    } catch {
      return undefined;
    }
  });
});

afterAll(async () => {
  if (second.exitCode === null) {
    const exited = new Promise((resolve) => second.once('exit', resolve));
    second.kill('SIGTERM');
    await exited;
  }
});

describe('gateway: two instances behind one address', () => {
  it('answers a payment settled through either instance and reads it through the other', async () => {
    const key = await newMerchantKey('Two Instances Merchant');
    for (const [through, readBack] of [
      [SECOND, FIRST],
      [FIRST, SECOND],
      [SECOND, FIRST],
      [FIRST, SECOND],
    ] as const) {
      const created = await call<Payment>(through, '/v1/payments', {
        method: 'POST',
        key,
        body: {
          amount: 1_200,
          currency: 'usd',
          payment_method: {
            type: 'card',
            card: { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' },
          },
        },
      });
      expect(created.status).toBe(200);
      if (through === SECOND) expect(created.body.status).toBe('succeeded');
      const read = await waitFor(
        `payment ${created.body.id} through the other instance`,
        30_000,
        async () => {
          const { body } = await call<Payment>(readBack, `/v1/payments/${created.body.id}`, { key });
          return body.status === 'processing' ? undefined : body;
        },
      );
      expect(read).toMatchObject({ id: created.body.id, status: 'succeeded' });
    }
  });

  it('limits requests per API key and answers 429 with Retry-After', async () => {
    const key = await newMerchantKey('Rate Limited Merchant');
    const statuses: number[] = [];
    let limited: { status: number; body: unknown; headers: Headers } | undefined;
    for (let index = 0; index < RATE_LIMIT + 2; index += 1) {
      const reply = await call(SECOND, '/v1/account', { key });
      statuses.push(reply.status);
      if (reply.status === 429) limited = reply;
    }
    expect(statuses).toEqual([...Array<number>(RATE_LIMIT).fill(200), 429, 429]);
    expect(limited?.body).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit' } });
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('limits all the keys of a merchant together: a second key brings no more requests', async () => {
    const first = await newMerchantKey('Many Keys Merchant');
    const second = await call<{ secret: string }>(FIRST, '/v1/api_keys', { method: 'POST', key: first });
    expect(second.status).toBe(201);
    const statuses: number[] = [];
    for (let index = 0; index < RATE_LIMIT; index += 1) {
      statuses.push((await call(SECOND, '/v1/account', { key: first })).status);
    }
    let limited: Reply<unknown> | undefined;
    for (let index = 0; index < MERCHANT_RATE_LIMIT - RATE_LIMIT + 1; index += 1) {
      const reply = await call(SECOND, '/v1/account', { key: second.body.secret });
      statuses.push(reply.status);
      if (reply.status === 429) limited = reply;
    }
    expect(statuses).toEqual([...Array<number>(MERCHANT_RATE_LIMIT).fill(200), 429]);
    expect(limited?.body).toMatchObject({
      error: { type: 'rate_limit_error', code: 'rate_limit', message: expect.stringContaining('merchant') },
    });
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('refuses payment methods it is not configured for with a clear 400, writing nothing', async () => {
    const key = await newMerchantKey('Cards Only Merchant');
    for (const paymentMethod of [
      { type: 'bank_transfer', bank_transfer: { country: 'DE' } },
      { type: 'wallet', wallet: { provider: 'alipay' } },
    ]) {
      const created = await call(SECOND, '/v1/payments', {
        method: 'POST',
        key,
        body: { amount: 4_200, currency: 'eur', payment_method: paymentMethod },
      });
      expect({ status: created.status, body: created.body }).toEqual({
        status: 400,
        body: {
          error: expect.objectContaining({
            type: 'invalid_request_error',
            code: 'payment_method_unavailable',
            param: 'payment_method[type]',
          }),
        },
      });
    }
    const listed = await call<{ data: unknown[] }>(FIRST, '/v1/payments?limit=100', { key });
    expect(listed.body.data).toEqual([]);
  });

  it('refuses webhook endpoints on loopback, private and metadata addresses, and credentials in URLs', async () => {
    const key = await newMerchantKey('Webhook Targets Merchant');
    for (const url of [
      'http://127.0.0.1:4000/hooks',
      'http://localhost:4000/hooks',
      'http://[::1]:4000/hooks',
      'http://10.0.0.8/hooks',
      'http://169.254.169.254/latest/meta-data/',
      'https://user:secret@hooks.example.com/hooks',
      'ftp://hooks.example.com/hooks',
    ]) {
      const refused = await call(SECOND, '/v1/webhook_endpoints', { method: 'POST', key, body: { url } });
      expect({ url, status: refused.status, body: refused.body }).toEqual({
        url,
        status: 400,
        body: { error: expect.objectContaining({ type: 'invalid_request_error', param: 'url' }) },
      });
    }
    const listed = await call<{ data: unknown[] }>(FIRST, '/v1/webhook_endpoints', { key });
    expect(listed.body.data).toEqual([]);
  });
});
