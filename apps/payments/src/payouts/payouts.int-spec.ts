import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TOPICS, type AnyEventEnvelope, type EventData, type EventType } from '@platform/contracts';
import {
  ServiceProcess,
  TestNamespace,
  createScratchDatabase,
  vaultedTestCard,
  waitFor,
  type ScratchDatabase,
} from '@platform/testing';

/**
 * Payouts with the real ledger: payments and the ledger built and run as processes against the
 * real broker and Postgres, each platform in a namespace of its own; the test plays the gateway
 * (commands) and risk (approvals). The ledger's reservations and rejections are its own.
 */
const APPS = join(__dirname, '..', '..', '..');
const ADMIN_TOKEN = `adm_${randomBytes(12).toString('hex')}`;
const SETTLE_LIMIT_MS = 30_000;

/** One payments and one ledger process on a namespace, and everything they publish. */
class MoneyPlatform {
  private readonly databases: ScratchDatabase[] = [];
  private readonly processes: ServiceProcess[] = [];
  private namespace: TestNamespace | null = null;

  constructor(
    private readonly prefix: string,
    private readonly ports: { payments: number; ledger: number },
  ) {}

  private get bus(): TestNamespace {
    if (this.namespace === null) throw new Error('not started');
    return this.namespace;
  }

  async start(paymentsEnv: Record<string, string>): Promise<void> {
    this.namespace = await TestNamespace.create({
      name: this.prefix,
      read: [TOPICS.paymentsEvents.name, TOPICS.ledgerEvents.name],
    });
    await this.startService('ledger', this.ports.ledger, {});
    await this.startService('payments', this.ports.payments, paymentsEnv);
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((service) => service.stop()));
    await this.namespace?.close();
    for (const database of this.databases) await database.drop();
  }

  private async startService(app: 'payments' | 'ledger', port: number, env: Record<string, string>) {
    const database = await createScratchDatabase(`po_int_${app}`);
    this.databases.push(database);
    const service = await ServiceProcess.start({
      name: app,
      main: join(APPS, app, 'dist', 'main.js'),
      port,
      env: {
        ...env,
        ...this.bus.serviceEnv,
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    this.processes.push(service);
  }

  async send<T extends EventType>(
    type: T,
    data: EventData<T>,
    merchantId: string,
    aggregateId: string,
  ): Promise<AnyEventEnvelope> {
    return (await this.bus.send(type, data, { aggregateId, merchantId })) as AnyEventEnvelope;
  }

  resend(event: AnyEventEnvelope): Promise<void> {
    return this.bus.publish(event);
  }

  find<T extends EventType>(type: T, matches: (data: EventData<T>) => boolean = () => true) {
    return this.bus.find(type, matches);
  }

  waitForEvent<T extends EventType>(type: T, matches: (data: EventData<T>) => boolean, what: string) {
    return waitFor(`${type} ${what}`, SETTLE_LIMIT_MS, () => this.find(type, matches).at(0));
  }

  async call<T>(service: 'payments' | 'ledger', path: string, method = 'GET') {
    const response = await fetch(`http://127.0.0.1:${this.ports[service]}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** What the platform owes the merchant in an account of the ledger (0 when never opened). */
  async owed(code: string): Promise<bigint> {
    const read = await this.call<{ balance_minor: string }>('ledger', `/v1/ledger/accounts/${code}/balance`);
    if (read.status === 404) return 0n;
    expect(read.status).toBe(200);
    return -BigInt(read.body.balance_minor);
  }

  /** Card payments captured and settled: resolves with the merchant's available balance after. */
  async fundMerchant(merchantId: string, amountsMinor: readonly string[]): Promise<bigint> {
    const captureIds: string[] = [];
    for (const amountMinor of amountsMinor) {
      const paymentId = `pay_${randomBytes(12).toString('hex')}`;
      await this.send(
        'payment.create',
        {
          paymentId,
          merchantId,
          amountMinor,
          currency: 'USD',
          captureMethod: 'automatic',
          paymentMethod: vaultedTestCard(),
          metadata: {},
        },
        merchantId,
        paymentId,
      );
      await this.waitForEvent('payment.created', (d) => d.paymentId === paymentId, paymentId);
      await this.send(
        'risk.assessed',
        { paymentId, decision: 'approve', score: 0, reasons: [] },
        merchantId,
        paymentId,
      );
      const captured = await this.waitForEvent(
        'payment.captured',
        (d) => d.paymentId === paymentId,
        paymentId,
      );
      captureIds.push(captured.data.captureId);
    }
    const settlementIds = new Set<string>();
    const settledIds = new Set<string>();
    await waitFor(
      `settlement of ${captureIds.join(', ')}`,
      SETTLE_LIMIT_MS,
      async () => {
        const run = await this.call<{ data: { id: string; capture_ids: string[] }[] }>(
          'payments',
          '/v1/settlements/run',
          'POST',
        );
        for (const s of run.body.data) {
          if (s.capture_ids.some((id) => captureIds.includes(id))) settlementIds.add(s.id);
          for (const id of s.capture_ids) settledIds.add(id);
        }
        return captureIds.every((id) => settledIds.has(id));
      },
      300,
    );
    // What the settlements made available to the merchant, from the ledger's own entries.
    const available = `merchant_available:${merchantId}:USD`;
    let madeAvailable = 0n;
    for (const settlementId of settlementIds) {
      const posted = await this.waitForEvent(
        'ledger.entry_posted',
        (d) => d.kind === 'settlement' && d.context.settlementId === settlementId,
        settlementId,
      );
      for (const p of posted.data.postings)
        if (p.accountCode === available) madeAvailable -= BigInt(p.amountMinor);
    }
    return madeAvailable;
  }
}

const newMerchantId = () => `mer_po${randomBytes(6).toString('hex')}`;
const newPayoutId = () => `po_${randomBytes(10).toString('hex')}`;

interface PayoutView {
  id: string;
  status: string;
  failure_code: string | null;
  amount: string;
  trigger: string;
}

describe('payouts on request, with the real ledger', () => {
  const platform = new MoneyPlatform('payouts-int', { payments: 3473, ledger: 3474 });
  const merchantId = newMerchantId();
  let available = 0n;

  beforeAll(async () => {
    await platform.start({ SIMULATED_BANK_REJECT_AMOUNT_ENDING: '13' });
    available = await platform.fundMerchant(merchantId, ['10000', '5000']);
  }, 180_000);

  afterAll(() => platform.stop());

  async function requestPayout(amountMinor: bigint) {
    const payoutId = newPayoutId();
    const command = await platform.send(
      'payout.create',
      { payoutId, merchantId, amountMinor: amountMinor.toString(), currency: 'USD' },
      merchantId,
      merchantId,
    );
    return { payoutId, command };
  }

  it('pays a payout out of the available balance once the ledger reserved it', async () => {
    const before = await platform.owed(`merchant_available:${merchantId}:USD`);
    const { payoutId, command } = await requestPayout(4_000n);
    const paid = await platform.waitForEvent('payout.paid', (d) => d.payoutId === payoutId, payoutId);
    expect(paid).toMatchObject({
      aggregateId: merchantId,
      merchantId,
      correlationId: command.correlationId,
      data: { merchantId, amountMinor: '4000', currency: 'USD' },
    });
    const requested = platform.find('payout.requested', (d) => d.payoutId === payoutId);
    expect(requested).toHaveLength(1);
    expect(requested[0]?.causationId).toBe(command.id);
    await platform.waitForEvent(
      'ledger.entry_posted',
      (d) => d.kind === 'payout_paid' && d.context.payoutId === payoutId,
      payoutId,
    );
    expect(await platform.owed(`merchant_available:${merchantId}:USD`)).toBe(before - 4_000n);
    expect(await platform.owed(`payouts_in_flight:${merchantId}:USD`)).toBe(0n);
    const view = await platform.call<PayoutView>('payments', `/v1/payouts/${payoutId}`);
    expect(view).toMatchObject({
      status: 200,
      body: { id: payoutId, status: 'paid', failure_code: null, amount: '4000', trigger: 'on_request' },
    });
  });

  it('fails a payout the bank rejects, and the ledger gives the funds back', async () => {
    const before = await platform.owed(`merchant_available:${merchantId}:USD`);
    const { payoutId } = await requestPayout(1_013n);
    expect(
      await platform.waitForEvent('payout.failed', (d) => d.payoutId === payoutId, payoutId),
    ).toMatchObject({ data: { failureCode: 'bank_rejected', amountMinor: '1013' } });
    await platform.waitForEvent(
      'ledger.entry_posted',
      (d) => d.kind === 'payout_failed' && d.context.payoutId === payoutId,
      payoutId,
    );
    expect(await platform.owed(`merchant_available:${merchantId}:USD`)).toBe(before);
    const view = await platform.call<PayoutView>('payments', `/v1/payouts/${payoutId}`);
    expect(view.body).toMatchObject({ status: 'failed', failure_code: 'bank_rejected' });
  });

  it('fails a payout above the available balance with insufficient_balance, once', async () => {
    const before = await platform.owed(`merchant_available:${merchantId}:USD`);
    const { payoutId } = await requestPayout(before + 1n);
    const rejected = await platform.waitForEvent(
      'ledger.entry_rejected',
      (d) => d.payoutId === payoutId,
      payoutId,
    );
    expect(rejected.data).toMatchObject({
      reason: 'insufficient_balance',
      sourceEventType: 'payout.requested',
    });
    expect(
      await platform.waitForEvent('payout.failed', (d) => d.payoutId === payoutId, payoutId),
    ).toMatchObject({ data: { failureCode: 'insufficient_balance' } });
    // A payout sent behind it on the merchant's partitions shows both were handled by then.
    const { payoutId: next } = await requestPayout(10n);
    await platform.waitForEvent('payout.paid', (d) => d.payoutId === next, next);
    await platform.waitForEvent(
      'ledger.entry_posted',
      (d) => d.kind === 'payout_paid' && d.context.payoutId === next,
      next,
    );
    // The ledger ignored the payout.failed of a payout it never reserved: no entry, no rejection.
    expect(platform.find('ledger.entry_posted', (d) => d.context.payoutId === payoutId)).toEqual([]);
    expect(platform.find('ledger.entry_rejected', (d) => d.payoutId === payoutId)).toHaveLength(1);
    expect(await platform.owed(`merchant_available:${merchantId}:USD`)).toBe(before - 10n);
    const view = await platform.call<PayoutView>('payments', `/v1/payouts/${payoutId}`);
    expect(view.body).toMatchObject({ status: 'failed', failure_code: 'insufficient_balance' });
  });

  it('requests a payout once however often its command is delivered', async () => {
    const { payoutId, command } = await requestPayout(20n);
    await platform.resend(command);
    await platform.send(
      'payout.create',
      { payoutId, merchantId, amountMinor: '20', currency: 'USD' },
      merchantId,
      merchantId,
    );
    await platform.waitForEvent('payout.paid', (d) => d.payoutId === payoutId, payoutId);
    // A payout behind them shows the repeats were handled.
    const { payoutId: next } = await requestPayout(30n);
    await platform.waitForEvent('payout.paid', (d) => d.payoutId === next, next);
    expect(platform.find('payout.requested', (d) => d.payoutId === payoutId)).toHaveLength(1);
    expect(platform.find('payout.paid', (d) => d.payoutId === payoutId)).toHaveLength(1);
  });

  it('answers an unknown payout with 404 in the documented shape, and refuses a missing token', async () => {
    const unknown = await platform.call<{ error: unknown }>('payments', `/v1/payouts/${newPayoutId()}`);
    expect(unknown).toMatchObject({
      status: 404,
      body: { error: { code: 'resource_missing', param: 'id' } },
    });
    const malformed = await platform.call<{ error: unknown }>('payments', '/v1/payouts/nope');
    expect(malformed.status).toBe(404);
    const response = await fetch(`http://127.0.0.1:3473/v1/payouts/${newPayoutId()}`);
    expect(response.status).toBe(401);
  });

  it('keeps the ledger in balance in every currency', async () => {
    const trial = await platform.call<{ currencies: { currency: string; net_minor: string }[] }>(
      'ledger',
      '/v1/ledger/trial-balance',
    );
    expect(trial.body.currencies.length).toBeGreaterThan(0);
    for (const currency of trial.body.currencies) expect(currency.net_minor).toBe('0');
    expect(available).toBeGreaterThan(0n);
  });
});

describe('daily payouts, with the real ledger', () => {
  const platform = new MoneyPlatform('payouts-daily-int', { payments: 3475, ledger: 3476 });

  beforeAll(async () => {
    await platform.start({ PAYOUT_SCHEDULE: 'daily', PAYOUT_CHECK_INTERVAL_MS: '300' });
  }, 180_000);

  afterAll(() => platform.stop());

  it('pays each merchant out its whole available balance, and once a day only', async () => {
    const merchants = [newMerchantId(), newMerchantId()];
    const funded = new Map<string, bigint>();
    for (const merchantId of merchants) {
      funded.set(merchantId, await platform.fundMerchant(merchantId, ['8000']));
    }
    for (const merchantId of merchants) {
      const paid = await platform.waitForEvent('payout.paid', (d) => d.merchantId === merchantId, merchantId);
      expect(paid.data.amountMinor).toBe(funded.get(merchantId)?.toString());
      const view = await platform.call<PayoutView>('payments', `/v1/payouts/${paid.data.payoutId}`);
      expect(view.body).toMatchObject({ status: 'paid', trigger: 'daily' });
      await platform.waitForEvent(
        'ledger.entry_posted',
        (d) => d.kind === 'payout_paid' && d.context.payoutId === paid.data.payoutId,
        merchantId,
      );
      expect(await platform.owed(`merchant_available:${merchantId}:USD`)).toBe(0n);
    }
    // More money the same day: the day's payout is taken, so it stays available until tomorrow.
    const [first = ''] = merchants;
    const again = await platform.fundMerchant(first, ['3000']);
    const { payoutId } = platform.find('payout.paid', (d) => d.merchantId === first)[0]?.data ?? {};
    // The job looks several times meanwhile (every 300 ms); a payment behind shows it is alive.
    const other = newMerchantId();
    const otherFunded = await platform.fundMerchant(other, ['2000']);
    const otherPaid = await platform.waitForEvent('payout.paid', (d) => d.merchantId === other, other);
    expect(otherPaid.data.amountMinor).toBe(otherFunded.toString());
    expect(
      platform.find('payout.requested', (d) => d.merchantId === first).map((e) => e.data.payoutId),
    ).toEqual([payoutId]);
    expect(await platform.owed(`merchant_available:${first}:USD`)).toBe(again);
  });
});
