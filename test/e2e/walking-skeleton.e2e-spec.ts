import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { allTopicDefinitions, physicalTopicName } from '@platform/contracts';
import { readTopics, testKafka, waitFor } from '@platform/testing';
import { readPlatform, request, type Reply, type ServiceName } from './platform';

const platform = readPlatform();
const SERVICES: ServiceName[] = ['gateway', 'payments', 'risk', 'ledger', 'reporting'];
const SUCCEEDING_CARD = '4242424242424242';
const DECLINED_CARD = '4000000000000002';

interface Payment {
  id: string;
  status: string;
  amount: number;
  currency: string;
  failure_code: string | null;
  payment_method: { card: { brand: string; last4: string } };
}

function call<T = unknown>(
  service: ServiceName,
  path: string,
  options: { method?: string; token?: string; body?: unknown } = {},
): Promise<Reply<T>> {
  return request<T>(`${platform.services[service]}${path}`, {
    ...options,
    headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` },
  });
}

// Other e2e files share this platform: this file works with a merchant of its own and its own trace.
let merchantKey = '';
let merchantId = '';
const TRACE_ID = randomBytes(16).toString('hex');
const CALLER_SPAN_ID = randomBytes(8).toString('hex');

function pay(amount: number, cardNumber: string) {
  return call<Payment>('gateway', '/v1/payments', {
    method: 'POST',
    token: merchantKey,
    body: {
      amount,
      currency: 'usd',
      payment_method: {
        type: 'card',
        card: { number: cardNumber, exp_month: 12, exp_year: 2035, cvc: '123' },
      },
    },
  });
}

async function settled(paymentId: string): Promise<Payment> {
  return waitFor(`payment ${paymentId} to leave processing`, 30_000, async () => {
    const { body } = await call<Payment>('gateway', `/v1/payments/${paymentId}`, { token: merchantKey });
    return body.status === 'processing' ? undefined : body;
  });
}

interface TrialBalance {
  currencies: { currency: string; net_minor: string }[];
  accounts: { code: string; balance_minor: string }[];
}

async function accountBalance(code: string): Promise<bigint> {
  const { body } = await call<TrialBalance>('ledger', '/v1/ledger/trial-balance', {
    token: platform.adminToken,
  });
  return BigInt(body.accounts.find((account) => account.code === code)?.balance_minor ?? '0');
}

describe('walking skeleton: one payment through all five services', () => {
  let succeeded: Payment;
  let feeRevenueBefore: bigint;

  beforeAll(async () => {
    const merchant = await call<{ id: string; api_key: string }>('gateway', '/v1/merchants', {
      method: 'POST',
      token: platform.adminToken,
      body: { name: 'Walking Skeleton Merchant' },
    });
    merchantKey = merchant.body.api_key;
    merchantId = merchant.body.id;
    feeRevenueBefore = await accountBalance('fee_revenue:USD');
  });

  it('answers /health on every service, and /metrics to the metrics token only', async () => {
    for (const service of SERVICES) {
      const health = await call<{ status: string; checks: Record<string, { status: string }> }>(
        service,
        '/health',
      );
      expect({ service, status: health.status, body: health.body.status }).toEqual({
        service,
        status: 200,
        body: 'ok',
      });
      expect(health.body.checks).toMatchObject({ database: { status: 'up' }, kafka: { status: 'up' } });
      const metrics = await call(service, '/metrics', { token: platform.metricsToken });
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/^# HELP process_cpu_user_seconds_total/m);
      for (const token of [undefined, platform.adminToken]) {
        const refused = await call(service, '/metrics', { token });
        expect({ service, status: refused.status, body: refused.body }).toEqual({
          service,
          status: 401,
          body: { error: expect.objectContaining({ type: 'authentication_error' }) },
        });
      }
    }
  });

  it('takes a card payment to succeeded', async () => {
    const created = await pay(10_000, SUCCEEDING_CARD);
    expect(created.status).toBe(200);
    expect(created.body.id).toMatch(/^pay_/);
    succeeded = created.body.status === 'succeeded' ? created.body : await settled(created.body.id);
    expect(succeeded).toMatchObject({
      status: 'succeeded',
      amount: 10_000,
      currency: 'usd',
      payment_method: { card: { brand: 'visa', last4: '4242' } },
    });
    const read = await call<Payment>('gateway', `/v1/payments/${succeeded.id}`, { token: merchantKey });
    expect(read.body.status).toBe('succeeded');
  });

  it('posts balanced entries in the ledger', async () => {
    const merchantPending = `merchant_pending:${merchantId}:USD`;
    const balance = await waitFor('the capture to reach the ledger', 30_000, async () => {
      const { body } = await call<TrialBalance>('ledger', '/v1/ledger/trial-balance', {
        token: platform.adminToken,
      });
      return body.accounts.some((account) => account.code === merchantPending) ? body : undefined;
    });
    for (const currency of balance.currencies) expect(currency.net_minor).toBe('0');
    const byCode = new Map(balance.accounts.map((account) => [account.code, account.balance_minor]));
    // 100.00 at the default 2.9% + 0.30: the merchant is owed 96.80, the platform earns 3.20.
    expect(byCode.get(merchantPending)).toBe('-9680');
    expect(BigInt(byCode.get('fee_revenue:USD') ?? '0') - feeRevenueBefore).toBe(-320n);
  });

  it('shows the volume in reporting', async () => {
    interface VolumeReport {
      data: { merchant: string; currency: string; gross_amount: string; fee_amount: string; count: number }[];
    }
    const line = await waitFor('the capture to reach the volume projection', 30_000, async () => {
      const { body } = await call<VolumeReport>('reporting', `/v1/reports/volume?merchant=${merchantId}`, {
        token: platform.analystToken,
      });
      return body.data.find((row) => row.currency === 'usd');
    });
    expect(line).toMatchObject({ gross_amount: '10000', fee_amount: '320', count: 1 });
  });

  it('follows the payment in one trace, from the HTTP request across Kafka to reporting', async () => {
    interface SpanLine {
      traceId: string;
      spanId: string;
      parentSpanId: string | null;
      name: string;
      service: string;
    }
    const readSpans = (): SpanLine[] =>
      readdirSync(platform.logDir)
        .filter((file) => file.startsWith('traces-'))
        .flatMap((file) => readFileSync(join(platform.logDir, file), 'utf8').split('\n'))
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as SpanLine);
    // The test sent a traceparent: the gateway continues it, so the whole trace carries TRACE_ID.
    const trace = await waitFor('the payment trace to reach all five services', 20_000, () => {
      const inTrace = readSpans().filter((span) => span.traceId === TRACE_ID);
      const spanIds = new Set([CALLER_SPAN_ID, ...inTrace.map((span) => span.spanId)]);
      // Every parent is in the trace too (spans flush a little apart, hence inside the wait).
      const complete = inTrace.every((span) => span.parentSpanId !== null && spanIds.has(span.parentSpanId));
      const services = new Set(
        inTrace.filter((span) => span.name.endsWith(' process')).map((span) => span.service),
      );
      return complete && services.size === SERVICES.length ? inTrace : undefined;
    });
    const roots = trace.filter((span) => span.parentSpanId === CALLER_SPAN_ID);
    expect(roots.map((span) => `${span.service} ${span.name}`)).toContain('gateway POST /v1/payments');
    const consumers = new Set(
      trace.filter((span) => span.name.endsWith(' process')).map((span) => span.service),
    );
    expect([...consumers].sort()).toEqual(['gateway', 'ledger', 'payments', 'reporting', 'risk']);
  });

  it('fails a declined card with its code and posts nothing for it', async () => {
    const created = await pay(2_500, DECLINED_CARD);
    const payment = created.body.status === 'processing' ? await settled(created.body.id) : created.body;
    expect(payment).toMatchObject({ status: 'failed', failure_code: 'card_declined' });
    const entries = await call<{ accounts: { code: string; balance_minor: string }[] }>(
      'ledger',
      '/v1/ledger/trial-balance',
      { token: platform.adminToken },
    );
    const pending = entries.body.accounts.find(
      (account) => account.code === `merchant_pending:${merchantId}:USD`,
    );
    expect(pending?.balance_minor).toBe('-9680');
  });

  it('answers bad input with a 4xx in the documented shape', async () => {
    const noAmount = await call('gateway', '/v1/payments', {
      method: 'POST',
      token: merchantKey,
      body: { currency: 'usd', payment_method: { type: 'card', card: { number: SUCCEEDING_CARD } } },
    });
    expect(noAmount.status).toBe(400);
    expect(noAmount.body).toMatchObject({ error: { type: 'invalid_request_error', param: 'amount' } });

    const badKey = await call('gateway', `/v1/payments/${succeeded.id}`, { token: 'sk_test_not_a_key' });
    expect(badKey.status).toBe(401);
    expect(badKey.body).toMatchObject({ error: { type: 'authentication_error' } });

    const unknown = await call('gateway', '/v1/payments/pay_doesnotexist000000000000', {
      token: merchantKey,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'resource_missing', param: 'id' } });
  });

  it("never shows one merchant another merchant's payment", async () => {
    const other = await call<{ id: string; api_key: string }>('gateway', '/v1/merchants', {
      method: 'POST',
      token: platform.adminToken,
      body: { name: 'Other Merchant' },
    });
    expect(other.status).toBe(201);
    const read = await call('gateway', `/v1/payments/${succeeded.id}`, { token: other.body.api_key });
    expect(read.status).toBe(404);
  });

  it('keeps the card number out of every topic, log and database but the encrypted vault', async () => {
    const topics = allTopicDefinitions().map((topic) => physicalTopicName(platform.namespace, topic.name));
    const messages = await readTopics(testKafka(), topics, () => false, 5_000);
    expect(messages.length).toBeGreaterThan(5);
    const leaks = messages.filter((message) =>
      `${message.value} ${JSON.stringify(message.headers)}`.includes(SUCCEEDING_CARD),
    );
    expect(leaks).toEqual([]);

    for (const file of readdirSync(platform.logDir)) {
      expect({
        file,
        leaked: readFileSync(join(platform.logDir, file), 'utf8').includes(SUCCEEDING_CARD),
      }).toEqual({
        file,
        leaked: false,
      });
    }

    for (const service of SERVICES) {
      const dump = execFileSync(
        'pg_dump',
        ['--data-only', '-h', '127.0.0.1', '-U', 'postgres', platform.databases[service]],
        {
          encoding: 'utf8',
          maxBuffer: 256 * 1024 * 1024,
        },
      );
      expect({ service, leaked: dump.includes(SUCCEEDING_CARD) }).toEqual({ service, leaked: false });
    }
  });
});
