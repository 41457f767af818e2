import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { TOPICS, type EventData } from '@platform/contracts';
import {
  ServiceProcess,
  TestNamespace,
  createScratchDatabase,
  vaultedTestCard,
  waitFor,
  type ScratchDatabase,
} from '@platform/testing';

/**
 * Risk built and run as processes against the real broker and Postgres: payment.created sent
 * straight to payments.events (as payments publishes it), risk.assessed read from risk.events,
 * rules and lists changed through the admin API while risk runs.
 */
const RISK_MAIN = join(__dirname, '..', 'dist', 'main.js');
const ADMIN_TOKEN = 'risk-int-admin-token';
const KEY_HASH_SECRET = `risk-int-${randomBytes(16).toString('hex')}`;
const PORTS = [3395, 3396];
const ANSWER_LIMIT_MS = 20_000;
const PAYMENTS_AT_ONCE = 30;

let bus: TestNamespace;
let database: ScratchDatabase;
const running = new Map<number, ServiceProcess>();

async function startRisk(port: number): Promise<void> {
  const service = await ServiceProcess.start({
    name: 'risk',
    main: RISK_MAIN,
    port,
    env: {
      ADMIN_TOKEN,
      RISK_KEY_HASH_SECRET: KEY_HASH_SECRET,
      LOG_LEVEL: 'warn',
      ...bus.serviceEnv,
      DATABASE_URL: database.url,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      // Prune often, and keep no more than the longest window in use.
      VELOCITY_PRUNE_INTERVAL_MS: '200',
      VELOCITY_RETENTION_MIN_HOURS: '0',
    },
  });
  running.set(port, service);
}

async function stopRisk(port: number): Promise<void> {
  const service = running.get(port);
  running.delete(port);
  await service?.stop();
}

async function admin<T = unknown>(
  path: string,
  options: { method?: string; body?: unknown; port?: number; actor?: string } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`http://127.0.0.1:${options.port ?? PORTS[0]}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.actor === undefined ? {} : { 'x-actor': options.actor }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** Events a risk instance took from Kafka since it started. */
async function eventsConsumed(port: number): Promise<number> {
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('platform_events_consumed_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

const newMerchantId = () => `mer_int${randomBytes(6).toString('hex')}`;
const newFingerprint = () => `fp_${randomBytes(10).toString('hex')}`;

interface PaymentOptions {
  readonly merchantId: string;
  readonly fingerprint?: string;
  readonly amountMinor?: string;
  readonly currency?: string;
  readonly customer?: EventData<'payment.created'>['customer'];
  readonly cardCountry?: string;
}

/** Publishes payment.created for a new payment; returns its id. */
async function paymentCreated(options: PaymentOptions): Promise<string> {
  const paymentId = `pay_${randomBytes(12).toString('hex')}`;
  await bus.send(
    'payment.created',
    {
      paymentId,
      merchantId: options.merchantId,
      amountMinor: options.amountMinor ?? '2500',
      currency: options.currency ?? 'USD',
      captureMethod: 'automatic',
      paymentMethod: vaultedTestCard({ fingerprint: options.fingerprint, country: options.cardCountry }),
      ...(options.customer === undefined ? {} : { customer: options.customer }),
    },
    { aggregateId: paymentId, merchantId: options.merchantId },
  );
  return paymentId;
}

/** Makes a blocking velocity rule the merchant's whole rule set. */
async function putVelocityRule(
  merchantId: string,
  id: string,
  params: Record<string, unknown>,
  port = PORTS[0],
): Promise<void> {
  const put = await admin(`/v1/merchants/${merchantId}/rules`, {
    method: 'PUT',
    port,
    body: { rules: [{ id, kind: 'velocity', action: 'block', weight: 80, params }] },
  });
  expect(put).toMatchObject({ status: 200 });
}

async function answerTo(paymentId: string): Promise<EventData<'risk.assessed'>> {
  return (await bus.waitForEvent(paymentId, 'risk.assessed', { limitMs: ANSWER_LIMIT_MS })).data;
}

async function screen(options: PaymentOptions): Promise<EventData<'risk.assessed'>> {
  return answerTo(await paymentCreated(options));
}

beforeAll(async () => {
  bus = await TestNamespace.create({ name: 'risk-int', read: [TOPICS.riskEvents.name] });
  database = await createScratchDatabase('risk_int');
  await startRisk(PORTS[0]!);
});

afterAll(async () => {
  for (const port of [...running.keys()]) await stopRisk(port);
  await bus?.close();
  await database?.drop();
});

describe('risk rules and lists through the admin API, while risk runs', () => {
  it('starts with the seeded global rules', async () => {
    const rules = await admin<{ version: number; rules: { id: string }[]; changed_by: string }>('/v1/rules');
    expect(rules.status).toBe(200);
    expect(rules.body).toMatchObject({ version: 1, changed_by: 'migration' });
    expect(rules.body.rules.map((rule) => rule.id)).toContain('global-high-amount');
  });

  // Issue 16: the seeded threshold compared 1,000,001 JPY (about 6,600 USD) with 1,000,000 cents.
  it('reads the seeded amount threshold in USD and converts other currencies before comparing', async () => {
    const merchantId = newMerchantId();
    const decide = async (amountMinor: string, currency: string) =>
      (await screen({ merchantId, amountMinor, currency })).decision;
    expect(await decide('1000001', 'JPY')).toBe('approve');
    expect(await decide('999999', 'USD')).toBe('approve');
    expect(await screen({ merchantId, amountMinor: '1512000', currency: 'JPY' })).toMatchObject({
      decision: 'review',
      reasons: ['amount_above:global-high-amount'],
    });
    expect(await decide('930000', 'EUR')).toBe('review');
  });

  it("applies a merchant's new rule to its next payment, without a restart, and records who changed it", async () => {
    const merchantId = newMerchantId();
    expect(await screen({ merchantId, amountMinor: '5000' })).toMatchObject({
      decision: 'approve',
      score: 0,
    });

    const put = await admin<{ version: number }>(`/v1/merchants/${merchantId}/rules`, {
      method: 'PUT',
      actor: 'analyst@example.com',
      body: {
        expected_version: 0,
        rules: [
          {
            id: 'merchant-cap',
            kind: 'amount_above',
            action: 'block',
            weight: 90,
            params: { amount_minor: '4000', currency: 'USD' },
          },
        ],
      },
    });
    expect(put).toMatchObject({ status: 200, body: { version: 1 } });
    expect(await screen({ merchantId, amountMinor: '5000' })).toEqual(
      expect.objectContaining({ decision: 'decline', score: 90, reasons: ['amount_above:merchant-cap'] }),
    );
    // Another merchant keeps the global rules only.
    expect(await screen({ merchantId: newMerchantId(), amountMinor: '5000' })).toMatchObject({
      decision: 'approve',
    });

    const history = await admin<{ data: { version: number; changed_by: string }[] }>(
      `/v1/merchants/${merchantId}/rules/history`,
    );
    expect(history.body.data).toEqual([
      expect.objectContaining({ version: 1, changed_by: 'analyst@example.com' }),
    ]);
    const stale = await admin(`/v1/merchants/${merchantId}/rules`, {
      method: 'PUT',
      body: { expected_version: 0, rules: [] },
    });
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'rule_set_version_conflict' } } });
  });

  it('declines a card once its fingerprint is on the block list, and lets it pass once removed', async () => {
    const merchantId = newMerchantId();
    const fingerprint = newFingerprint();
    const first = await paymentCreated({ merchantId, fingerprint });
    expect(await answerTo(first)).toMatchObject({ decision: 'approve' });
    // The analyst reads the card's fingerprint from the assessment and blocks it.
    const assessment = await admin<{ screened_keys: { card_fingerprint: string } }>(
      `/v1/assessments/${first}`,
    );
    expect(assessment.body.screened_keys.card_fingerprint).toBe(fingerprint);

    const added = await admin<{ id: string }>('/v1/lists', {
      method: 'POST',
      body: { kind: 'card_fingerprint', value: fingerprint },
    });
    expect(added.status).toBe(201);
    const again = await admin<{ id: string }>('/v1/lists', {
      method: 'POST',
      body: { kind: 'card_fingerprint', value: fingerprint },
    });
    expect(again).toMatchObject({ status: 200, body: { id: added.body.id } });
    expect(await screen({ merchantId, fingerprint })).toMatchObject({
      decision: 'decline',
      reasons: ['blocked_card_fingerprint:global-blocked-cards'],
    });

    expect((await admin(`/v1/lists/${added.body.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await screen({ merchantId, fingerprint })).toMatchObject({ decision: 'approve' });
  });

  it("blocks an IP on a merchant's list for that merchant only", async () => {
    const merchantId = newMerchantId();
    const listed = await admin(`/v1/merchants/${merchantId}/lists`, {
      method: 'POST',
      body: { kind: 'ip', value: '203.0.113.7' },
    });
    expect(listed.status).toBe(201);
    const customer = { ip: '203.0.113.7' };
    expect(await screen({ merchantId, customer })).toMatchObject({
      decision: 'decline',
      reasons: ['blocked_ip:global-blocked-ips'],
    });
    expect(await screen({ merchantId: newMerchantId(), customer })).toMatchObject({ decision: 'approve' });
  });

  it('answers bad rules and list entries with a 400 in the error shape, and changes nothing', async () => {
    const merchantId = newMerchantId();
    const put = (rule: Record<string, unknown>) =>
      admin<{ error: { type: string; code: string; param?: string } }>(`/v1/merchants/${merchantId}/rules`, {
        method: 'PUT',
        body: { rules: [rule] },
      });
    const base = {
      id: 'r1',
      kind: 'amount_above',
      action: 'block',
      weight: 10,
      params: { amount_minor: '1' },
    };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...base, kind: 'teleportation' }, 'parameter_invalid', 'rules[0][kind]'],
      [{ ...base, weight: 101 }, 'parameter_invalid', 'rules[0][weight]'],
      [{ ...base, colour: 'red' }, 'parameter_unknown', 'rules[0][colour]'],
      [{ ...base, params: { amount_minor: 5 } }, 'parameter_invalid', 'rules[0][params][amount_minor]'],
      [{ ...base, params: { amount_minor: '5', extra: 1 } }, 'parameter_invalid', 'rules[0][params][extra]'],
      [
        { ...base, kind: 'velocity', params: { key: 'card_fingerprint', window_seconds: 0, max_count: 1 } },
        'parameter_invalid',
        'rules[0][params]',
      ],
    ];
    for (const [rule, code, param] of cases) {
      const answer = await put(rule);
      expect({ rule, status: answer.status, error: answer.body.error }).toEqual({
        rule,
        status: 400,
        error: expect.objectContaining({ type: 'invalid_request_error', code, param }),
      });
    }
    const noRules = await admin(`/v1/merchants/${merchantId}/rules`, { method: 'PUT', body: {} });
    expect(noRules).toMatchObject({
      status: 400,
      body: { error: { code: 'parameter_missing', param: 'rules' } },
    });
    const badList = await admin<{ error: { param: string } }>('/v1/lists', {
      method: 'POST',
      body: { kind: 'bin', value: '42' },
    });
    expect(badList).toMatchObject({ status: 400, body: { error: { param: 'value' } } });
    const badKind = await admin('/v1/lists', { method: 'POST', body: { kind: 'shoe_size', value: '42' } });
    expect(badKind).toMatchObject({ status: 400, body: { error: { param: 'kind' } } });
    const unauthenticated = await fetch(`http://127.0.0.1:${PORTS[0]}/v1/rules`);
    expect(unauthenticated.status).toBe(401);
    expect((await admin<{ version: number }>(`/v1/merchants/${merchantId}/rules`)).body.version).toBe(0);
  });
});

describe('velocity in Postgres', () => {
  it('keeps counting a card across a restart of risk: the payment after the limit is declined', async () => {
    const merchantId = newMerchantId();
    const fingerprint = newFingerprint();
    await putVelocityRule(merchantId, 'three-per-card-hourly', {
      key: 'card_fingerprint',
      window_seconds: 3600,
      max_count: 3,
    });
    for (let i = 0; i < 3; i++) {
      expect(await screen({ merchantId, fingerprint })).toMatchObject({ decision: 'approve' });
    }
    await stopRisk(PORTS[0]!);
    await startRisk(PORTS[0]!);
    expect(await screen({ merchantId, fingerprint })).toMatchObject({
      decision: 'decline',
      reasons: ['velocity:three-per-card-hourly'],
    });
    // Another card of the same merchant is counted on its own.
    expect(await screen({ merchantId })).toMatchObject({ decision: 'approve' });
  });

  it("keeps counting a customer's email across a restart, and stores only keyed hashes of email, IP and customer id", async () => {
    const merchantId = newMerchantId();
    await putVelocityRule(merchantId, 'two-per-email-hourly', {
      key: 'email',
      window_seconds: 3600,
      max_count: 2,
    });
    const customerId = `cus_${randomBytes(8).toString('hex')}`;
    const email = `buyer.${randomBytes(4).toString('hex')}@shop-velocity.example`;
    const ip = '198.51.100.23';
    const customer = { id: customerId, email, ip };
    // Each payment with a card of its own: only the email ties them together.
    const first = await paymentCreated({ merchantId, customer });
    expect(await answerTo(first)).toMatchObject({ decision: 'approve' });
    expect(await screen({ merchantId, customer })).toMatchObject({ decision: 'approve' });
    await stopRisk(PORTS[0]!);
    await startRisk(PORTS[0]!);
    // The same address spelled differently is the same customer.
    expect(await screen({ merchantId, customer: { email: email.toUpperCase() } })).toMatchObject({
      decision: 'decline',
      reasons: ['velocity:two-per-email-hourly'],
    });
    expect(await screen({ merchantId, customer: { email: `other.${email}` } })).toMatchObject({
      decision: 'approve',
    });

    const plain = [customerId, email, ip];
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ key: string; value_hash: string; row: string }>(
        `SELECT key, value_hash, o::text AS row FROM risk_velocity_observations o WHERE merchant_id = $1`,
        [merchantId],
      );
      expect(rows.filter((r) => plain.some((value) => r.row.includes(value)))).toEqual([]);
      const hashesOf = (key: string) => new Set(rows.filter((r) => r.key === key).map((r) => r.value_hash));
      // Three payments under the first email, one under the other: two hashes, each a hex SHA-256.
      expect(rows.filter((r) => r.key === 'email')).toHaveLength(4);
      expect(hashesOf('email').size).toBe(2);
      expect(hashesOf('ip').size).toBe(1);
      expect(hashesOf('customer').size).toBe(1);
      for (const r of rows.filter((r) => r.key !== 'card_fingerprint')) {
        expect(r.value_hash).toMatch(/^[0-9a-f]{64}$/);
      }
      const assessments = await client.query<{ screened: string }>(
        'SELECT screened_keys::text AS screened FROM risk_assessments WHERE merchant_id = $1',
        [merchantId],
      );
      expect(assessments.rows).toHaveLength(4);
      expect(assessments.rows.filter((r) => plain.some((value) => r.screened.includes(value)))).toEqual([]);
      // The database itself refuses a plain email.
      await expect(
        client.query(
          `INSERT INTO risk_velocity_observations (payment_id, merchant_id, key, value_hash, amount_minor, currency)
           VALUES ('pay_plainEmail0001', $1, 'email', $2, 100, 'USD')`,
          [merchantId, email],
        ),
      ).rejects.toThrow(/risk_velocity_value_hashed/);
    } finally {
      await client.end();
    }

    // The analyst's view shows the hashes, never the customer's email, IP or id.
    const assessment = await admin<{ screened_keys: Record<string, string> }>(`/v1/assessments/${first}`);
    expect(assessment.status).toBe(200);
    const shown = JSON.stringify(assessment.body);
    expect(plain.filter((value) => shown.includes(value))).toEqual([]);
    expect(assessment.body.screened_keys).toEqual({
      card_fingerprint: expect.any(String),
      customer: expect.stringMatching(/^[0-9a-f]{64}$/),
      email: expect.stringMatching(/^[0-9a-f]{64}$/),
      ip: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('counts every payment of a card screened at once by two instances', async () => {
    await startRisk(PORTS[1]!);
    // Until both instances screen payments (the group rebalanced), nothing runs at once.
    const before = await Promise.all(PORTS.map(eventsConsumed));
    await waitFor('both risk instances to screen payments', ANSWER_LIMIT_MS, async () => {
      await screen({ merchantId: newMerchantId() });
      const now = await Promise.all(PORTS.map(eventsConsumed));
      return now.every((consumed, i) => consumed > before[i]!);
    });
    const merchantId = newMerchantId();
    const fingerprint = newFingerprint();
    // A change made on one instance applies on the other.
    await putVelocityRule(
      merchantId,
      'five-per-card',
      { key: 'card_fingerprint', window_seconds: 3600, max_count: 5 },
      PORTS[1],
    );
    const ids = await Promise.all(
      Array.from({ length: PAYMENTS_AT_ONCE }, () => paymentCreated({ merchantId, fingerprint })),
    );
    const answers = await Promise.all(ids.map(answerTo));
    const decisions = answers.map((answer) => answer.decision).sort();
    expect(decisions).toEqual(
      [...Array<string>(PAYMENTS_AT_ONCE - 5).fill('decline'), ...Array<string>(5).fill('approve')].sort(),
    );
  });

  it('prunes observations older than the longest window in use, and keeps the others', async () => {
    const merchantId = newMerchantId();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      // The longest window of the stored rules is an hour (the rules above).
      for (const [paymentId, minutesAgo] of [
        ['pay_prunedOld0001', 120],
        ['pay_keptRecent001', 30],
      ] as const) {
        await client.query(
          `INSERT INTO risk_velocity_observations (payment_id, merchant_id, key, value_hash, amount_minor, currency, observed_at)
           VALUES ($1, $2, 'ip', $4, 100, 'USD', now() - make_interval(mins => $3))`,
          [paymentId, merchantId, minutesAgo, 'a'.repeat(64)],
        );
      }
      const left = await waitFor('the old observation to be pruned', ANSWER_LIMIT_MS, async () => {
        const { rows } = await client.query<{ payment_id: string }>(
          'SELECT payment_id FROM risk_velocity_observations WHERE merchant_id = $1 ORDER BY payment_id',
          [merchantId],
        );
        return rows.length === 1 ? rows : undefined;
      });
      expect(left).toEqual([{ payment_id: 'pay_keptRecent001' }]);
    } finally {
      await client.end();
    }
  });
});
