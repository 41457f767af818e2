import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import {
  freshLoopbackAddress,
  onboardMerchant,
  readPlatform,
  request,
  requestFromAddress,
  waitFor,
  webhookReceiverPort,
  type Reply,
  type ServiceName,
} from './platform';

/**
 * The findings of the hostile-input review (issue 15), each against the running platform: input
 * Postgres cannot store, deep JSON, null for objects and built-in key names refused with a 400
 * naming the parameter on every service; card numbers of no network; API key caps and recovery;
 * the webhook targets the local runner no longer allows; admin-token throttling; secret-bearing
 * answers never cached; the dashboard never framed; Node's own errors in the error shape.
 */

const platform = readPlatform();
const GATEWAY = platform.services.gateway;
const SERVICES: readonly ServiceName[] = ['gateway', 'payments', 'risk', 'ledger', 'reporting'];
/** The gateway's default API_KEYS_PER_MERCHANT_MAX and AUTH_FAILURES_PER_WINDOW (the e2e platform keeps them). */
const API_KEYS_PER_MERCHANT_MAX = 10;
const AUTH_FAILURES_PER_WINDOW = 20;
/** HTTP_HEADERS_TIMEOUT_SECONDS (10 by default) plus Node's check and some slack. */
const HEADERS_TIMEOUT_LIMIT_MS = 20_000;

const CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' };
const PAYMENT = { amount: 1_000, currency: 'usd', payment_method: { type: 'card', card: CARD } };

function expectRefused(reply: Reply<unknown>, param: string | undefined, code = 'parameter_invalid'): void {
  expect({ status: reply.status, body: reply.body }).toEqual({
    status: 400,
    body: {
      error: {
        type: 'invalid_request_error',
        code,
        message: expect.any(String),
        ...(param === undefined ? {} : { param }),
      },
    },
  });
}

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

/** One request from a chosen loopback address (its own failure counters). */
async function fromAddress(
  localAddress: string,
  url: string,
  token: string,
): Promise<{ status: number; body: unknown; retryAfter: string | undefined }> {
  const reply = await requestFromAddress(url, {
    localAddress,
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: reply.status,
    body: JSON.parse(reply.text) as unknown,
    retryAfter: reply.headers['retry-after'],
  };
}

describe('input Postgres cannot store, refused at validation on every service', () => {
  let merchant: Awaited<ReturnType<typeof onboardMerchant>>;
  beforeAll(async () => {
    merchant = await onboardMerchant('Unstorable Text Merchant');
  });

  it.each([
    ['a NUL', 'order\u0000'],
    ['a lone surrogate', 'order\ud800'],
  ])('refuses %s in every stored gateway field, naming it', async (_case, bad) => {
    const cases: [string, unknown, string][] = [
      ['/v1/payments', { ...PAYMENT, description: bad }, 'description'],
      ['/v1/payments', { ...PAYMENT, metadata: { order: bad } }, 'metadata[order]'],
      ['/v1/payments', { ...PAYMENT, customer: { id: bad } }, 'customer[id]'],
      ['/v1/payments', { ...PAYMENT, customer: { email: `${bad}@example.com` } }, 'customer[email]'],
      ['/v1/webhook_endpoints', { url: 'https://hooks.example.com/x', description: bad }, 'description'],
      ['/v1/disputes/dp_0123456789abcdef/evidence', { evidence: bad }, 'evidence'],
    ];
    for (const [path, body, param] of cases) {
      expectRefused(await merchant.call(path, { method: 'POST', body }), param);
    }
    expectRefused(
      await request(`${GATEWAY}/v1/merchants`, {
        method: 'POST',
        token: platform.adminToken,
        body: { name: bad },
      }),
      'name',
    );
    const listed = await merchant.call<{ data: unknown[] }>('/v1/payments');
    expect(listed.body.data).toEqual([]);
  });

  it('refuses them in the admin APIs of payments, risk, ledger and reporting too', async () => {
    const admin = (service: ServiceName, path: string, options: { method?: string; body?: unknown } = {}) =>
      request(`${platform.services[service]}${path}`, { ...options, token: platform.adminToken });
    expectRefused(
      await admin('risk', '/v1/merchants/mer_0123456789abcdef/rules', {
        method: 'PUT',
        body: { rules: [{ id: 'r\u0000', kind: 'amount_above', action: 'review', weight: 1, params: {} }] },
      }),
      'rules[0][id]',
    );
    expectRefused(
      await admin('risk', '/v1/merchants/mer_0123456789abcdef/lists', {
        method: 'POST',
        body: { kind: 'email_domain', value: 'example.com\ud800' },
      }),
      'value',
    );
    expectRefused(
      await admin('ledger', '/v1/ledger/entries/00000000-0000-4000-8000-000000000000/reversal', {
        method: 'POST',
        body: { reason: 'x\u0000' },
      }),
      'reason',
    );
    expectRefused(await admin('payments', '/v1/payments/pay_%00'), undefined);
    expectRefused(
      await request(`${platform.services.reporting}/v1/reports/volume?currency=us%00`, {
        token: platform.analystToken,
      }),
      'currency',
    );
  });
});

describe('structure limits, null objects and built-in key names', () => {
  let merchant: Awaited<ReturnType<typeof onboardMerchant>>;
  beforeAll(async () => {
    merchant = await onboardMerchant('Structure Limits Merchant');
  });

  it('refuses JSON nested 2,500 levels deep on every service, with an Idempotency-Key too', async () => {
    const deep = nested(2_500);
    expectRefused(
      await merchant.call('/v1/payments', {
        method: 'POST',
        body: { ...PAYMENT, metadata: deep },
        headers: { 'idempotency-key': 'deep-1' },
      }),
      undefined,
      'body_too_deep',
    );
    for (const service of SERVICES) {
      const reply = await request(`${platform.services[service]}/v1/anything`, {
        method: 'POST',
        token: platform.adminToken,
        body: deep,
      });
      expect({ service, reply: reply.body }).toEqual({
        service,
        reply: { error: expect.objectContaining({ code: 'body_too_deep' }) },
      });
    }
  });

  it('refuses null where an object is required', async () => {
    for (const type of ['card', 'bank_transfer', 'wallet']) {
      expectRefused(
        await merchant.call('/v1/payments', {
          method: 'POST',
          body: { ...PAYMENT, payment_method: { type, [type]: null } },
        }),
        `payment_method[${type}]`,
      );
    }
    expectRefused(
      await merchant.call('/v1/payments', { method: 'POST', body: { ...PAYMENT, customer: null } }),
      'customer',
    );
    expectRefused(
      await request(`${GATEWAY}/v1/merchants/${merchant.id}`, {
        method: 'POST',
        token: platform.adminToken,
        body: { pricing: null },
      }),
      'pricing',
    );
  });

  it('refuses metadata keys named like JavaScript built-ins instead of dropping them, and keeps the rest', async () => {
    for (const key of ['constructor', 'toString', 'prototype', 'hasOwnProperty', '__proto__']) {
      const body = `{"amount":1000,"currency":"usd","payment_method":{"type":"card","card":${JSON.stringify(CARD)}},"metadata":{"order":"1",${JSON.stringify(key)}:"x"}}`;
      const reply = await fetch(`${GATEWAY}/v1/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${merchant.key}`, 'content-type': 'application/json' },
        body,
      });
      expectRefused(
        { status: reply.status, body: await reply.json(), text: '', headers: reply.headers },
        `metadata[${key}]`,
      );
    }
    const kept = await merchant.call<{ metadata: Record<string, string> }>('/v1/payments', {
      method: 'POST',
      body: { ...PAYMENT, metadata: { order: '1', 'constructor-ish': 'y' } },
    });
    expect(kept.status).toBe(200);
    expect(kept.body.metadata).toEqual({ order: '1', 'constructor-ish': 'y' });
  });

  it.each(['000000000000000000', '1234567812345670', '0000000000000000'])(
    'refuses the card number %s, which passes Luhn but no network issues, as invalid_number',
    async (number) => {
      const reply = await merchant.call('/v1/payments', {
        method: 'POST',
        body: { ...PAYMENT, payment_method: { type: 'card', card: { ...CARD, number } } },
      });
      expect({ status: reply.status, body: reply.body }).toEqual({
        status: 402,
        body: {
          error: expect.objectContaining({ code: 'invalid_number', param: 'payment_method[card][number]' }),
        },
      });
    },
  );
});

describe('API keys: a cap per merchant, never the last one revoked, and an admin route to issue one', () => {
  it(`holds at most ${API_KEYS_PER_MERCHANT_MAX} live keys, keeps the last, and lets the admin issue (and replace) keys`, async () => {
    const merchant = await onboardMerchant('Key Cap Merchant');
    const created: { id: string; secret: string }[] = [];
    for (let index = 1; index < API_KEYS_PER_MERCHANT_MAX; index += 1) {
      const reply = await merchant.call<{ id: string; secret: string }>('/v1/api_keys', { method: 'POST' });
      expect(reply.status).toBe(201);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      created.push(reply.body);
    }
    expectRefused(
      await merchant.call('/v1/api_keys', { method: 'POST' }),
      undefined,
      'api_key_limit_reached',
    );
    // Revoke all but the first key (the one onboarding gave), then the first is the last.
    const keys = await merchant.call<{ data: { id: string; revoked: number | null }[] }>('/v1/api_keys');
    const [original, ...others] = keys.body.data;
    for (const key of others) {
      expect((await merchant.call(`/v1/api_keys/${key.id}`, { method: 'DELETE' })).status).toBe(200);
    }
    expectRefused(
      await merchant.call(`/v1/api_keys/${original?.id ?? 'x'}`, { method: 'DELETE' }),
      'id',
      'last_api_key',
    );
    expect((await merchant.call('/v1/account')).status).toBe(200);

    // A merchant that lost its key: the admin issues one, the secret once, and may revoke the others.
    const issued = await request<{ id: string; secret: string; object: string }>(
      `${GATEWAY}/v1/merchants/${merchant.id}/api_keys`,
      { method: 'POST', token: platform.adminToken, body: { revoke_existing: true } },
    );
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ object: 'api_key', secret: expect.stringMatching(/^sk_test_/) });
    expect(issued.headers.get('cache-control')).toBe('no-store');
    expect((await merchant.call('/v1/account')).status).toBe(401);
    const account = await request(`${GATEWAY}/v1/account`, { token: issued.body.secret });
    expect(account.status).toBe(200);
    const listed = await request<{ data: unknown[] }>(`${GATEWAY}/v1/api_keys`, {
      token: issued.body.secret,
    });
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.secret);
    expect(
      (
        await request(`${GATEWAY}/v1/merchants/${merchant.id}/api_keys`, {
          method: 'POST',
          token: merchant.key,
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await request(`${GATEWAY}/v1/merchants/mer_0123456789abcdef/api_keys`, {
          method: 'POST',
          token: platform.adminToken,
        })
      ).status,
    ).toBe(404);
  });
});

describe('webhooks on the local platform', () => {
  it('refuses internal targets, the services themselves included, and takes only the allow-listed receiver ports', async () => {
    const merchant = await onboardMerchant('Internal Targets Merchant');
    for (const url of [
      `http://127.0.0.1:${platform.ports.payments}/v1/payments`,
      `http://127.0.0.1:${platform.ports.gateway}/v1/merchants`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://[::1]:3000/',
      'http://[fd00::1]/',
      'http://[64:ff9b::7f00:1]/',
      'http://[2002:7f00:1::]/',
      'http://localhost:3000/',
      `http://127.0.0.2:${webhookReceiverPort(4)}/hooks`,
    ]) {
      const refused = await merchant.call('/v1/webhook_endpoints', { method: 'POST', body: { url } });
      expect({ url, status: refused.status, body: refused.body }).toEqual({
        url,
        status: 400,
        body: { error: expect.objectContaining({ code: 'url_invalid', param: 'url' }) },
      });
    }
    const allowed = await merchant.call<{ secret: string }>('/v1/webhook_endpoints', {
      method: 'POST',
      body: { url: `http://127.0.0.1:${webhookReceiverPort(4)}/hooks` },
    });
    expect(allowed.status).toBe(201);
    expect(allowed.headers.get('cache-control')).toBe('no-store');
  });
});

/** How long a service's log line may take to reach its file (pino writes asynchronously). */
const LOG_FLUSH_LIMIT_MS = 10_000;

describe('admin tokens', () => {
  it('throttles and logs failed admin tokens of an address, while the right token from there goes on', async () => {
    const address = freshLoopbackAddress();
    const url = `${platform.services.ledger}/v1/ledger/trial-balance`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < AUTH_FAILURES_PER_WINDOW; attempt += 1) {
      statuses.push((await fromAddress(address, url, `adm_wrong_${attempt}_0123456789`)).status);
    }
    expect(statuses).toEqual(Array<number>(AUTH_FAILURES_PER_WINDOW).fill(401));
    const throttled = await fromAddress(address, url, 'adm_wrong_again_0123456789');
    expect(throttled).toMatchObject({
      status: 429,
      body: { error: { type: 'rate_limit_error', code: 'authentication_rate_limit' } },
    });
    expect(Number(throttled.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await fromAddress(address, url, platform.adminToken)).status).toBe(200);
    // The service's log is written asynchronously: wait for the lines rather than read it once.
    const log = await waitFor(`the ledger's log to say ${address} is throttled`, LOG_FLUSH_LIMIT_MS, () => {
      const text = readFileSync(join(platform.logDir, 'ledger.log'), 'utf8');
      return text.includes(`${address} is throttled`) ? text : undefined;
    });
    expect(log).toContain(`admin token refused for ${address}`);
    expect(log).not.toContain('adm_wrong_');
  });
});

describe('answers that must not be cached or framed, and errors Node answers itself', () => {
  it('marks answers carrying a secret no-store, replays included', async () => {
    const created = await request<{ api_key: string }>(`${GATEWAY}/v1/merchants`, {
      method: 'POST',
      token: platform.adminToken,
      body: { name: 'No Store Merchant' },
    });
    expect(created.headers.get('cache-control')).toBe('no-store');
    const merchantKey = created.body.api_key;
    const endpoint = await request<{ id: string }>(`${GATEWAY}/v1/webhook_endpoints`, {
      method: 'POST',
      token: merchantKey,
      body: { url: `http://127.0.0.1:${webhookReceiverPort(4)}/no-store` },
      headers: { 'idempotency-key': 'no-store-1' },
    });
    const replay = await request(`${GATEWAY}/v1/webhook_endpoints`, {
      method: 'POST',
      token: merchantKey,
      body: { url: `http://127.0.0.1:${webhookReceiverPort(4)}/no-store` },
      headers: { 'idempotency-key': 'no-store-1' },
    });
    const rotated = await request(`${GATEWAY}/v1/webhook_endpoints/${endpoint.body.id}/rotate_secret`, {
      method: 'POST',
      token: merchantKey,
    });
    for (const reply of [endpoint, replay, rotated]) {
      expect(reply.status).toBeLessThan(300);
      expect(reply.headers.get('cache-control')).toBe('no-store');
    }
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it("forbids framing the dashboard (CSP frame-ancestors 'none')", async () => {
    const page = await fetch(`${platform.services.reporting}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers headers too large with 431 and a never-finished request with 408, both in the error shape', async () => {
    for (const service of SERVICES) {
      const reply = await fetch(`${platform.services[service]}/health`, {
        headers: { 'x-padding': 'p'.repeat(20_000) },
      });
      expect({ service, status: reply.status, body: await reply.json() }).toEqual({
        service,
        status: 431,
        body: {
          error: expect.objectContaining({ type: 'invalid_request_error', code: 'headers_too_large' }),
        },
      });
    }
    let received = '';
    let closed = false;
    const socket = connect(platform.ports.gateway, '127.0.0.1');
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.write('POST /v1/payments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n');
    try {
      await waitFor(
        'the gateway to close a request whose headers never end',
        HEADERS_TIMEOUT_LIMIT_MS,
        () => closed,
      );
    } finally {
      socket.destroy();
    }
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(received.split('\r\n\r\n')[1] ?? '')).toMatchObject({
      error: { code: 'request_timeout' },
    });
  });
});
