import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TOPICS, type EventData, type EventType } from '@platform/contracts';
import {
  ServiceProcess,
  TestNamespace,
  createScratchDatabase,
  vaultedTestCard,
  waitFor,
  type ScratchDatabase,
} from '@platform/testing';

/**
 * payments and risk built and run as processes against the real broker and Postgres, each in a
 * namespace of its own; commands go straight to payments.commands (as the gateway sends them).
 */
const APPS = join(__dirname, '..', '..');
const ADMIN_TOKEN = 'payments-int-admin-token';
const MERCHANT_ID = `mer_int${randomBytes(6).toString('hex')}`;
const SETTLE_LIMIT_MS = 20_000;

interface RunningPlatform {
  readonly bus: TestNamespace;
  readonly databases: ScratchDatabase[];
  readonly processes: ServiceProcess[];
  readonly paymentsUrl: string;
}

function startService(
  app: 'payments' | 'risk',
  env: Record<string, string>,
  port: number,
): Promise<ServiceProcess> {
  return ServiceProcess.start({
    name: app,
    main: join(APPS, app, 'dist', 'main.js'),
    port,
    env: { ...env, ADMIN_TOKEN, LOG_LEVEL: 'warn' },
  });
}

async function startPlatform(
  prefix: string,
  ports: { payments: number; risk?: number },
  paymentsEnv: Record<string, string>,
): Promise<RunningPlatform> {
  const bus = await TestNamespace.create({
    name: prefix,
    read: [TOPICS.paymentsEvents.name, TOPICS.riskEvents.name],
    eventLimitMs: SETTLE_LIMIT_MS,
  });
  const databases: ScratchDatabase[] = [];
  const processes: ServiceProcess[] = [];
  const platform: RunningPlatform = {
    bus,
    databases,
    processes,
    paymentsUrl: `http://127.0.0.1:${ports.payments}`,
  };
  try {
    const paymentsDb = await createScratchDatabase(`${prefix.replace(/-/g, '_')}_payments`);
    databases.push(paymentsDb);
    processes.push(
      await startService(
        'payments',
        { ...bus.serviceEnv, ...paymentsEnv, DATABASE_URL: paymentsDb.url },
        ports.payments,
      ),
    );
    if (ports.risk !== undefined) {
      const riskDb = await createScratchDatabase(`${prefix.replace(/-/g, '_')}_risk`);
      databases.push(riskDb);
      processes.push(
        await startService(
          'risk',
          {
            ...bus.serviceEnv,
            DATABASE_URL: riskDb.url,
            RISK_KEY_HASH_SECRET: 'payments-int-risk-key-hash-secret',
          },
          ports.risk,
        ),
      );
    }
  } catch (error) {
    // A service that does not start leaves nothing behind.
    await stopPlatform(platform);
    throw error;
  }
  return platform;
}

async function stopPlatform(platform: RunningPlatform | undefined): Promise<void> {
  if (platform === undefined) return;
  await Promise.all(platform.processes.map((service) => service.stop()));
  await platform.bus.close();
  for (const database of platform.databases) await database.drop();
}

const newPaymentId = () => `pay_${randomBytes(12).toString('hex')}`;

async function send<T extends EventType>(
  platform: RunningPlatform,
  type: T,
  data: EventData<T>,
  aggregateId: string,
): Promise<void> {
  await platform.bus.send(type, data, { aggregateId, merchantId: MERCHANT_ID });
}

function createPayment(
  platform: RunningPlatform,
  paymentId: string,
  options: {
    card?: string;
    amountMinor?: string;
    captureMethod?: 'automatic' | 'manual';
    offSession?: boolean;
  } = {},
): Promise<void> {
  const card = options.card ?? '4242424242424242';
  return send(
    platform,
    'payment.create',
    {
      paymentId,
      merchantId: MERCHANT_ID,
      amountMinor: options.amountMinor ?? '10000',
      currency: 'USD',
      captureMethod: options.captureMethod ?? 'automatic',
      paymentMethod: vaultedTestCard({ bin: card.slice(0, 6), last4: card.slice(-4) }),
      ...(options.offSession === undefined ? {} : { offSession: options.offSession }),
      metadata: {},
    },
    paymentId,
  );
}

/** The payment's own events (payments.events), in order. */
const typesOf = (platform: RunningPlatform, paymentId: string) =>
  platform.bus
    .eventsOf(paymentId)
    .map((event) => event.type)
    .filter((type) => !type.startsWith('risk.'));

/** Waits until the payment's events include `type` (the nth of them), and returns it. */
function waitForEvent<T extends EventType>(platform: RunningPlatform, paymentId: string, type: T, nth = 1) {
  return platform.bus.waitForEvent(paymentId, type, { nth });
}

interface ChargeView {
  processor: string;
  status: string;
  amount: string;
  amount_captured: string;
  amount_refunded: string;
}

async function chargesAtProcessors(platform: RunningPlatform, paymentId: string): Promise<ChargeView[]> {
  const response = await fetch(`${platform.paymentsUrl}/v1/simulated-processors/charges/${paymentId}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: ChargeView[] }).data;
}

describe('payments and risk as processes', () => {
  let platform: RunningPlatform | undefined;
  const running = (): RunningPlatform => {
    if (platform === undefined) throw new Error('the platform did not start');
    return platform;
  };

  beforeAll(async () => {
    platform = await startPlatform(
      'itest-payments',
      { payments: 3391, risk: 3392 },
      {
        PROCESSOR_TIMEOUT_MS: '500',
        SIMULATED_HANG_MS: '3000',
      },
    );
  });

  afterAll(async () => {
    await stopPlatform(platform);
  });

  it('settles each test card as the table says', async () => {
    const cards = [
      ['4242424242424242', 'payment.captured', undefined],
      ['4000000000000002', 'payment.failed', 'card_declined'],
      ['4000000000009995', 'payment.failed', 'insufficient_funds'],
      ['4000000000000119', 'payment.failed', 'processor_error'],
      ['4000000000003220', 'payment.requires_action', undefined],
    ] as const;
    const ids = cards.map(() => newPaymentId());
    for (const [index, [card]] of cards.entries()) await createPayment(running(), ids[index] ?? '', { card });
    for (const [index, [, type, failureCode]] of cards.entries()) {
      const id = ids[index] ?? '';
      const event = await waitForEvent(running(), id, type);
      if (failureCode !== undefined) expect(event).toMatchObject({ data: { failureCode } });
    }
    // The processor error was tried once more at the other processor, and charged nowhere.
    const retried = ids[3] ?? '';
    expect(await waitForEvent(running(), retried, 'payment.failed')).toMatchObject({
      data: { processor: 'simulated-b' },
    });
    expect(await chargesAtProcessors(running(), retried)).toEqual([]);
    expect(typesOf(running(), ids[0] ?? '')).toEqual([
      'payment.created',
      'payment.authorized',
      'payment.captured',
    ]);
  });

  it('completes 3-D Secure once the customer approves, and fails it when they decline', async () => {
    const approved = newPaymentId();
    const declined = newPaymentId();
    await createPayment(running(), approved, { card: '4000000000003220' });
    await createPayment(running(), declined, { card: '4000000000003220' });
    await waitForEvent(running(), approved, 'payment.requires_action');
    await waitForEvent(running(), declined, 'payment.requires_action');
    await send(running(), 'payment.resolve_action', { paymentId: approved, outcome: 'approved' }, approved);
    await send(running(), 'payment.resolve_action', { paymentId: declined, outcome: 'declined' }, declined);
    await waitForEvent(running(), approved, 'payment.captured');
    expect(await waitForEvent(running(), declined, 'payment.failed')).toMatchObject({
      data: { failureCode: 'authentication_failed' },
    });
  });

  it('fails an off-session payment whose card needs 3-D Secure with authentication_required', async () => {
    const offSession = newPaymentId();
    const saved = newPaymentId();
    await createPayment(running(), offSession, { card: '4000000000003220', offSession: true });
    await createPayment(running(), saved, { card: '4242424242424242', offSession: true });
    expect(await waitForEvent(running(), offSession, 'payment.failed')).toMatchObject({
      data: { failureCode: 'authentication_required' },
    });
    // Nothing was authorized; the customer was never asked to act.
    expect(typesOf(running(), offSession)).toEqual(['payment.created', 'payment.failed']);
    expect(await chargesAtProcessors(running(), offSession)).toEqual([]);
    await waitForEvent(running(), saved, 'payment.captured');
  });

  it('opens a dispute on 4000 0000 0000 0259 after capture and closes it as the simulator decides', async () => {
    const won = newPaymentId();
    const lost = newPaymentId();
    await createPayment(running(), won, { card: '4000000000000259' });
    await createPayment(running(), lost, { card: '4000000000000259' });
    for (const [id, evidence] of [
      [won, 'signed delivery receipt: winning_evidence'],
      [lost, 'nothing much'],
    ] as const) {
      const opened = await waitForEvent(running(), id, 'dispute.opened');
      expect(opened.data).toMatchObject({ amountMinor: '10000', reason: 'fraudulent' });
      await send(
        running(),
        'dispute.submit_evidence',
        { disputeId: opened.data.disputeId, paymentId: id, evidence },
        id,
      );
    }
    expect(await waitForEvent(running(), won, 'dispute.closed')).toMatchObject({ data: { outcome: 'won' } });
    expect(await waitForEvent(running(), lost, 'dispute.closed')).toMatchObject({
      data: { outcome: 'lost' },
    });
  });

  it('fails over a processor timeout to the other processor without charging twice', async () => {
    const id = newPaymentId();
    await createPayment(running(), id, { amountMinor: '408' });
    const captured = await waitForEvent(running(), id, 'payment.captured');
    expect(captured.data).toMatchObject({ processor: 'simulated-b', amountMinor: '408', final: true });
    const charges = await chargesAtProcessors(running(), id);
    expect(charges).toEqual([
      expect.objectContaining({ processor: 'simulated-a', status: 'voided', amount_captured: '0' }),
      expect.objectContaining({ processor: 'simulated-b', status: 'authorized', amount_captured: '408' }),
    ]);
    expect(typesOf(running(), id).filter((type) => type === 'payment.authorized')).toHaveLength(1);
  });

  it('captures part of a manual authorization, then refunds it in parts up to what was captured', async () => {
    const id = newPaymentId();
    await createPayment(running(), id, { captureMethod: 'manual' });
    await waitForEvent(running(), id, 'payment.authorized');
    await send(running(), 'payment.capture', { paymentId: id, amountMinor: '7000' }, id);
    expect(await waitForEvent(running(), id, 'payment.captured')).toMatchObject({
      data: { amountMinor: '7000', final: true },
    });
    const refunds = [
      { refundId: `re_${randomBytes(8).toString('hex')}`, amountMinor: '3000' },
      { refundId: `re_${randomBytes(8).toString('hex')}`, amountMinor: '4001' },
      { refundId: `re_${randomBytes(8).toString('hex')}`, amountMinor: undefined },
    ];
    for (const refund of refunds) {
      await send(
        running(),
        'refund.create',
        {
          refundId: refund.refundId,
          paymentId: id,
          ...(refund.amountMinor === undefined ? {} : { amountMinor: refund.amountMinor }),
        },
        id,
      );
    }
    await waitForEvent(running(), id, 'refund.succeeded', 2);
    const outcomes = running()
      .bus.eventsOf(id)
      .filter((event) => event.type === 'refund.succeeded' || event.type === 'refund.failed')
      .map((event) => [event.type, event.data.amountMinor]);
    expect(outcomes).toEqual([
      ['refund.succeeded', '3000'],
      ['refund.failed', '4001'],
      ['refund.succeeded', '4000'],
    ]);
    expect(await chargesAtProcessors(running(), id)).toEqual([
      expect.objectContaining({ amount_captured: '7000', amount_refunded: '7000' }),
    ]);
  });

  it('takes non-final captures up to the authorization, each with its own id; the final one ends it', async () => {
    const id = newPaymentId();
    await createPayment(running(), id, { captureMethod: 'manual' });
    await waitForEvent(running(), id, 'payment.authorized');
    await send(running(), 'payment.capture', { paymentId: id, amountMinor: '3000', final: false }, id);
    await send(running(), 'payment.capture', { paymentId: id, amountMinor: '2000', final: false }, id);
    await send(running(), 'payment.capture', { paymentId: id, amountMinor: '1000' }, id);
    await waitForEvent(running(), id, 'payment.captured', 3);
    const captures = running()
      .bus.eventsOf(id)
      .flatMap((event) => (event.type === 'payment.captured' ? [event.data] : []));
    expect(captures.map((c) => [c.amountMinor, c.final])).toEqual([
      ['3000', false],
      ['2000', false],
      ['1000', true],
    ]);
    expect(new Set(captures.map((c) => c.captureId)).size).toBe(3);
    // The final capture ended it: nothing more can be captured.
    await send(running(), 'payment.capture', { paymentId: id, amountMinor: '100', final: false }, id);
    expect(await waitForEvent(running(), id, 'payment.command_rejected')).toMatchObject({
      data: { commandType: 'payment.capture', code: 'invalid_state_transition' },
    });
    expect(await chargesAtProcessors(running(), id)).toEqual([
      expect.objectContaining({ amount: '10000', amount_captured: '6000' }),
    ]);
  });

  it('cancels an uncaptured authorization and ignores a capture after it', async () => {
    const id = newPaymentId();
    await createPayment(running(), id, { captureMethod: 'manual' });
    await waitForEvent(running(), id, 'payment.authorized');
    await send(running(), 'payment.cancel', { paymentId: id, reason: 'requested_by_customer' }, id);
    await send(running(), 'payment.capture', { paymentId: id }, id);
    expect(await waitForEvent(running(), id, 'payment.canceled')).toMatchObject({
      data: { releasedAmountMinor: '10000', reason: 'requested_by_customer' },
    });
    // A refund sent behind them on the same partition shows when the capture was handled.
    await send(
      running(),
      'refund.create',
      { refundId: `re_${randomBytes(8).toString('hex')}`, paymentId: id },
      id,
    );
    expect(await waitForEvent(running(), id, 'refund.failed')).toMatchObject({
      data: { failureCode: 'payment_not_captured' },
    });
    expect(typesOf(running(), id)).toEqual([
      'payment.created',
      'payment.authorized',
      'payment.canceled',
      'payment.command_rejected',
      'refund.failed',
    ]);
    expect(await chargesAtProcessors(running(), id)).toEqual([expect.objectContaining({ status: 'voided' })]);
  });

  it('holds a payment risk sends to review, then completes it once an analyst approves it', async () => {
    const id = newPaymentId();
    // Above the default review threshold of risk (1,000,000 minor units).
    await createPayment(running(), id, { amountMinor: '2000000' });
    expect(await waitForEvent(running(), id, 'risk.assessed')).toMatchObject({
      data: { decision: 'review' },
    });
    const riskUrl = 'http://127.0.0.1:3392';
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const queue = await waitFor('the payment in the review queue', SETTLE_LIMIT_MS, async () => {
      const response = await fetch(`${riskUrl}/v1/reviews?limit=100`, { headers: auth });
      const body = (await response.json()) as { data: { payment_id: string }[] };
      return body.data.some((review) => review.payment_id === id) && body;
    });
    expect(queue.data.find((review) => review.payment_id === id)).toMatchObject({
      merchant_id: MERCHANT_ID,
      amount: '2000000',
      decision: null,
    });
    await waitForEvent(running(), id, 'payment.review_opened');
    expect(typesOf(running(), id)).toEqual(['payment.created', 'payment.review_opened']);
    const approved = await fetch(`${riskUrl}/v1/reviews/${id}/approve`, { method: 'POST', headers: auth });
    expect(approved.status).toBe(200);
    const again = await fetch(`${riskUrl}/v1/reviews/${id}/decline`, { method: 'POST', headers: auth });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('review_not_pending');
    expect(await waitForEvent(running(), id, 'risk.assessed', 2)).toMatchObject({
      aggregateSequence: 2,
      data: { decision: 'approve' },
    });
    await waitForEvent(running(), id, 'payment.captured');
    expect(typesOf(running(), id)).toEqual([
      'payment.created',
      'payment.review_opened',
      'payment.review_closed',
      'payment.authorized',
      'payment.captured',
    ]);
    expect(await waitForEvent(running(), id, 'payment.review_closed')).toMatchObject({
      data: { paymentId: id, reviewId: `rev_${id.slice(4)}`, outcome: 'approved' },
    });
  });
});

describe('payments alone, with risk played by the test and a short authorization lifetime', () => {
  let platform: RunningPlatform | undefined;
  const running = (): RunningPlatform => {
    if (platform === undefined) throw new Error('the platform did not start');
    return platform;
  };

  beforeAll(async () => {
    platform = await startPlatform(
      'itest-expiry',
      { payments: 3393 },
      {
        AUTHORIZATION_EXPIRY_SECONDS: '2',
        EXPIRY_SCAN_INTERVAL_MS: '200',
      },
    );
  });

  afterAll(async () => {
    await stopPlatform(platform);
  });

  const assess = (id: string, decision: 'approve' | 'decline') =>
    send(
      running(),
      'risk.assessed',
      { paymentId: id, decision, score: decision === 'approve' ? 0 : 100, reasons: [] },
      id,
    );

  it('fails a payment risk declines with risk_declined, and nothing reaches a processor', async () => {
    const id = newPaymentId();
    await createPayment(running(), id);
    await waitForEvent(running(), id, 'payment.created');
    await assess(id, 'decline');
    expect(await waitForEvent(running(), id, 'payment.failed')).toMatchObject({
      data: { failureCode: 'risk_declined' },
    });
    expect(await chargesAtProcessors(running(), id)).toEqual([]);
  });

  it('cancels an authorization nobody captured as expired, and voids it at the processor', async () => {
    const id = newPaymentId();
    await createPayment(running(), id, { captureMethod: 'manual' });
    await waitForEvent(running(), id, 'payment.created');
    await assess(id, 'approve');
    await waitForEvent(running(), id, 'payment.authorized');
    expect(await waitForEvent(running(), id, 'payment.canceled')).toMatchObject({
      causationId: null,
      data: { reason: 'expired', releasedAmountMinor: '10000' },
    });
    expect(await chargesAtProcessors(running(), id)).toEqual([expect.objectContaining({ status: 'voided' })]);
  });
});
