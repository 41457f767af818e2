import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TOPICS, type EventData, type EventType } from '@platform/contracts';
import {
  TestNamespace,
  startServiceWithDatabase,
  vaultedTestCard,
  type ServiceWithDatabase,
} from '@platform/testing';

/**
 * Bank transfers, wallets (QR), FX and the risk timeout against the real broker and Postgres:
 * the payments service runs as a process in a namespace of its own, the test plays the gateway
 * (commands on payments.commands), risk (risk.assessed, or silence) and the customer or bank
 * (payment.resolve_action).
 */
const PAYMENTS = join(__dirname, '..', 'dist', 'main.js');
const PORT = 3394;
const ADMIN_TOKEN = 'payments-async-int-admin-token';
/** Fails closed on a risk timeout (the default). */
const CLOSED_MERCHANT = `mer_clo${randomBytes(6).toString('hex')}`;
/** Fails open, by RISK_TIMEOUT_POLICY. */
const OPEN_MERCHANT = `mer_opn${randomBytes(6).toString('hex')}`;
const FX_RATES = { version: 'itest-2026-11-25', rates: { 'EUR:USD': '1.0842', 'USD:JPY': '151.2' } };
const SETTLE_LIMIT_MS = 20_000;

interface Running {
  readonly bus: TestNamespace;
  readonly payments: ServiceWithDatabase;
}

async function startPayments(): Promise<Running> {
  const bus = await TestNamespace.create({
    name: 'itest-async',
    read: [TOPICS.paymentsEvents.name],
    eventLimitMs: SETTLE_LIMIT_MS,
  });
  const payments = await startServiceWithDatabase({
    name: 'payments',
    main: PAYMENTS,
    port: PORT,
    databasePrefix: 'itest_async_payments',
    env: {
      ...bus.serviceEnv,
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      EXPIRY_SCAN_INTERVAL_MS: '200',
      // Long enough for the test to answer for risk or the customer, short enough to wait out.
      QR_EXPIRY_SECONDS: '4',
      RISK_ASSESSMENT_TIMEOUT_SECONDS: '3',
      RISK_TIMEOUT_SCAN_INTERVAL_MS: '200',
      RISK_TIMEOUT_POLICY: JSON.stringify({ default: 'closed', merchants: { [OPEN_MERCHANT]: 'open' } }),
      FX_RATES: JSON.stringify(FX_RATES),
    },
  }).catch(async (error: unknown) => {
    await bus.close();
    throw error;
  });
  return { bus, payments };
}

/** The service, its database and the test's topics. */
async function stopPayments(running: Running | undefined): Promise<void> {
  if (running === undefined) return;
  await running.payments.stop();
  await running.bus.close();
}

const newPaymentId = () => `pay_${randomBytes(12).toString('hex')}`;

describe('bank transfers, wallets, FX and risk timeouts in the payments service', () => {
  let platform: Running | undefined;
  const running = (): Running => {
    if (platform === undefined) throw new Error('payments did not start');
    return platform;
  };

  beforeAll(async () => {
    platform = await startPayments();
  });

  afterAll(async () => {
    await stopPayments(platform);
  });

  /** paymentId → merchant, so every message about a payment names the merchant that owns it. */
  const merchants = new Map<string, string>();

  async function send<T extends EventType>(type: T, data: EventData<T>, paymentId: string): Promise<void> {
    const merchantId = merchants.get(paymentId) ?? CLOSED_MERCHANT;
    await running().bus.send(type, data, { aggregateId: paymentId, merchantId });
  }

  async function create(
    paymentMethod: EventData<'payment.create'>['paymentMethod'],
    options: { merchantId?: string; currency?: string; settlementCurrency?: string } = {},
  ): Promise<string> {
    const paymentId = newPaymentId();
    const merchantId = options.merchantId ?? CLOSED_MERCHANT;
    merchants.set(paymentId, merchantId);
    await send(
      'payment.create',
      {
        paymentId,
        merchantId,
        amountMinor: '10000',
        currency: options.currency ?? 'EUR',
        ...(options.settlementCurrency === undefined
          ? {}
          : { settlementCurrency: options.settlementCurrency }),
        captureMethod: 'automatic',
        paymentMethod,
        metadata: {},
      },
      paymentId,
    );
    return paymentId;
  }

  const approveRisk = (paymentId: string) =>
    send('risk.assessed', { paymentId, decision: 'approve', score: 0, reasons: [] }, paymentId);

  const typesOf = (paymentId: string) =>
    running()
      .bus.eventsOf(paymentId)
      .map((event) => event.type);

  const waitForEvent = <T extends EventType>(paymentId: string, type: T) =>
    running().bus.waitForEvent(paymentId, type);

  async function operatorView(paymentId: string): Promise<Record<string, unknown>> {
    const response = await fetch(`http://127.0.0.1:${PORT}/v1/payments/${paymentId}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  const transfer = { type: 'bank_transfer', bankTransfer: { country: 'DE' } } as const;
  const alipay = { type: 'wallet', wallet: { provider: 'alipay' } } as const;
  const card = vaultedTestCard();

  it('waits for a bank transfer with a virtual account, then authorizes and captures once the bank pays', async () => {
    const id = await create(transfer);
    await waitForEvent(id, 'payment.created');
    await approveRisk(id);
    const waiting = await waitForEvent(id, 'payment.requires_action');
    expect(waiting.data.action).toEqual({
      type: 'bank_transfer',
      virtualAccountReference: expect.stringMatching(/^VA[0-9A-F]{20}$/) as unknown,
    });
    await send('payment.resolve_action', { paymentId: id, outcome: 'approved' }, id);
    const captured = await waitForEvent(id, 'payment.captured');
    const authorized = await waitForEvent(id, 'payment.authorized');
    expect(authorized.data).toMatchObject({
      amountMinor: '10000',
      currency: 'EUR',
      paymentMethodType: 'bank_transfer',
      processor: 'simulated-a',
    });
    expect(captured.data).toMatchObject({
      amountMinor: '10000',
      final: true,
      processor: 'simulated-a',
      processorReference: authorized.data.processorReference,
    });
    expect(typesOf(id)).toEqual([
      'payment.created',
      'payment.requires_action',
      'payment.authorized',
      'payment.captured',
    ]);
  });

  it('fails a QR payment the customer declines with customer_declined', async () => {
    const id = await create(alipay);
    await waitForEvent(id, 'payment.created');
    await approveRisk(id);
    const waiting = await waitForEvent(id, 'payment.requires_action');
    expect(waiting.data.action).toMatchObject({
      type: 'qr_code',
      qrPayload: expect.stringContaining('/alipay/') as unknown,
    });
    await send('payment.resolve_action', { paymentId: id, outcome: 'declined' }, id);
    expect(await waitForEvent(id, 'payment.failed')).toMatchObject({
      data: { failureCode: 'customer_declined', processor: 'simulated-a' },
    });
    expect(typesOf(id)).toEqual(['payment.created', 'payment.requires_action', 'payment.failed']);
  });

  it('fails a QR payment nobody approved in time with action_expired, and ignores a late approval', async () => {
    const id = await create({ type: 'wallet', wallet: { provider: 'wechat_pay' } });
    await waitForEvent(id, 'payment.created');
    await approveRisk(id);
    await waitForEvent(id, 'payment.requires_action');
    expect(await waitForEvent(id, 'payment.failed')).toMatchObject({
      causationId: null,
      data: { failureCode: 'action_expired' },
    });
    await send('payment.resolve_action', { paymentId: id, outcome: 'approved' }, id);
    // A marker behind it on the same partition shows the late approval was handled (and ignored).
    await send('refund.create', { refundId: `re_${randomBytes(8).toString('hex')}`, paymentId: id }, id);
    await waitForEvent(id, 'refund.failed');
    expect(typesOf(id)).toEqual([
      'payment.created',
      'payment.requires_action',
      'payment.failed',
      'payment.command_rejected',
      'refund.failed',
    ]);
  });

  it('carries the configured rate on the authorization and the capture of a cross-currency payment', async () => {
    const id = await create(card, { settlementCurrency: 'USD' });
    expect(await waitForEvent(id, 'payment.created')).toMatchObject({ data: { settlementCurrency: 'USD' } });
    await approveRisk(id);
    const fx = {
      settlementCurrency: 'USD',
      settlementAmountMinor: '10842',
      rate: '1.0842',
      rateVersion: 'itest-2026-11-25',
    };
    expect((await waitForEvent(id, 'payment.authorized')).data).toMatchObject({ currency: 'EUR', fx });
    expect((await waitForEvent(id, 'payment.captured')).data).toMatchObject({ amountMinor: '10000', fx });
    expect(await operatorView(id)).toMatchObject({
      settlement_currency: 'usd',
      fx: {
        settlement_currency: 'usd',
        settlement_amount: 10842,
        rate: '1.0842',
        rate_version: 'itest-2026-11-25',
      },
    });
  });

  it('fails a payment whose currency pair is not in the rate table, saying why', async () => {
    const id = await create(card, { settlementCurrency: 'GBP' });
    expect(await waitForEvent(id, 'payment.failed')).toMatchObject({
      data: {
        failureCode: 'currency_not_supported',
        failureMessage: expect.stringContaining('no EUR:GBP rate') as unknown,
      },
    });
  });

  it('fails closed when risk stays silent, and ignores its late approval', async () => {
    const id = await create(card, { merchantId: CLOSED_MERCHANT });
    expect(await waitForEvent(id, 'payment.failed')).toMatchObject({
      causationId: null,
      data: { failureCode: 'risk_unavailable' },
    });
    await approveRisk(id);
    await send('refund.create', { refundId: `re_${randomBytes(8).toString('hex')}`, paymentId: id }, id);
    await waitForEvent(id, 'refund.failed');
    expect(typesOf(id)).toEqual(['payment.created', 'payment.failed', 'refund.failed']);
    expect(await operatorView(id)).toMatchObject({ status: 'failed', risk_screening: 'unscreened' });
  });

  it('fails open for a merchant that chose it: captured unscreened, the late decline ignored', async () => {
    const id = await create(card, { merchantId: OPEN_MERCHANT, currency: 'USD' });
    const captured = await waitForEvent(id, 'payment.captured');
    expect(captured).toMatchObject({ causationId: null, data: { amountMinor: '10000', currency: 'USD' } });
    await send('risk.assessed', { paymentId: id, decision: 'decline', score: 100, reasons: ['late'] }, id);
    await send(
      'refund.create',
      { refundId: `re_${randomBytes(8).toString('hex')}`, paymentId: id, amountMinor: '1' },
      id,
    );
    await waitForEvent(id, 'refund.succeeded');
    expect(typesOf(id)).toEqual([
      'payment.created',
      'payment.authorized',
      'payment.captured',
      'refund.succeeded',
    ]);
    expect(await operatorView(id)).toMatchObject({ status: 'succeeded', risk_screening: 'unscreened' });
  });
});
