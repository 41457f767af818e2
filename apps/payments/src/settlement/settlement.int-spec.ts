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
 * Settlement with the real ledger: payments and the ledger built and run as processes against the
 * real broker and Postgres in a namespace of their own; the test plays the gateway (commands) and
 * risk (approvals). Settlements must post in the ledger, move merchants' money from pending to
 * available, and never settle a capture twice.
 */
const APPS = join(__dirname, '..', '..', '..');
const ADMIN_TOKEN = `adm_${randomBytes(12).toString('hex')}`;
const MERCHANT_ID = `mer_stl${randomBytes(6).toString('hex')}`;
const PORTS = { payments: 3471, ledger: 3472 };
const SETTLE_LIMIT_MS = 30_000;
const SUCCEEDING_CARD = { bin: '424242', last4: '4242' };
/** 4000 0000 0000 0259: captured, then disputed; evidence without the winning words loses. */
const DISPUTED_CARD = { bin: '400000', last4: '0259' };
const FEES = {
  'simulated-a': { basisPoints: 200, fixedHundredths: 10 },
  'simulated-b': { basisPoints: 100, fixedHundredths: 0 },
};

describe('settlement with the real ledger', () => {
  const databases: ScratchDatabase[] = [];
  const processes: ServiceProcess[] = [];
  let bus: TestNamespace | undefined;
  const opened = (): TestNamespace => {
    if (bus === undefined) throw new Error('the test namespace was not created');
    return bus;
  };

  async function startService(app: 'payments' | 'ledger', port: number, env: Record<string, string>) {
    const database = await createScratchDatabase(`stl_int_${app}`);
    databases.push(database);
    const service = await ServiceProcess.start({
      name: app,
      main: join(APPS, app, 'dist', 'main.js'),
      port,
      env: {
        ...env,
        ...opened().serviceEnv,
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    processes.push(service);
  }

  async function send<T extends EventType>(type: T, data: EventData<T>, aggregateId: string): Promise<void> {
    await opened().send(type, data, { aggregateId, merchantId: MERCHANT_ID });
  }

  function find<T extends EventType>(type: T, matches: (data: EventData<T>) => boolean) {
    return opened().find(type, matches);
  }

  /** A card payment through payments, approved by the test in risk's place; resolves with its capture. */
  async function capturedPayment(amountMinor: string, currency: string, card = SUCCEEDING_CARD) {
    const paymentId = `pay_${randomBytes(12).toString('hex')}`;
    await send(
      'payment.create',
      {
        paymentId,
        merchantId: MERCHANT_ID,
        amountMinor,
        currency,
        captureMethod: 'automatic',
        paymentMethod: vaultedTestCard(card),
        metadata: {},
      },
      paymentId,
    );
    await waitFor(`payment.created of ${paymentId}`, SETTLE_LIMIT_MS, () =>
      find('payment.created', (d) => d.paymentId === paymentId).at(0),
    );
    await send('risk.assessed', { paymentId, decision: 'approve', score: 0, reasons: [] }, paymentId);
    return waitFor(`payment.captured of ${paymentId}`, SETTLE_LIMIT_MS, () =>
      find('payment.captured', (d) => d.paymentId === paymentId).at(0),
    );
  }

  async function call<T>(service: keyof typeof PORTS, path: string, method = 'GET') {
    const response = await fetch(`http://127.0.0.1:${PORTS[service]}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function balance(code: string): Promise<bigint> {
    const read = await call<{ balance_minor: string }>('ledger', `/v1/ledger/accounts/${code}/balance`);
    if (read.status === 404) return 0n;
    expect(read.status).toBe(200);
    return BigInt(read.body.balance_minor);
  }

  interface SettlementView {
    id: string;
    processor: string;
    currency: string;
    gross_amount: string;
    refunded_amount: string;
    chargeback_amount: string;
    processor_fee: string;
    net_amount: string;
    capture_ids: string[];
    refund_ids: string[];
    dispute_ids: string[];
  }

  /**
   * Runs settlement until every capture, refund and dispute named is settled (each is booked by
   * the ledger first, and payments learns it from the ledger).
   */
  async function settleAll(itemIds: readonly string[]): Promise<SettlementView[]> {
    const settled: SettlementView[] = [];
    await waitFor(
      `settlement of ${itemIds.length} items`,
      SETTLE_LIMIT_MS,
      async () => {
        const run = await call<{ data: SettlementView[] }>('payments', '/v1/settlements/run', 'POST');
        expect(run.status).toBe(200);
        settled.push(...run.body.data);
        const done = new Set(settled.flatMap((s) => [...s.capture_ids, ...s.refund_ids, ...s.dispute_ids]));
        return itemIds.every((id) => done.has(id));
      },
      300,
    );
    return settled;
  }

  function ledgerPosted(
    kind: string,
    matches: (context: EventData<'ledger.entry_posted'>['context']) => boolean,
  ) {
    return waitFor(`the ledger to post a ${kind}`, SETTLE_LIMIT_MS, () =>
      find('ledger.entry_posted', (d) => d.kind === kind && matches(d.context)).at(0),
    );
  }

  beforeAll(async () => {
    bus = await TestNamespace.create({
      name: 'settlement-int',
      read: [TOPICS.paymentsEvents.name, TOPICS.ledgerEvents.name],
    });
    await startService('ledger', PORTS.ledger, {});
    await startService('payments', PORTS.payments, {
      SETTLEMENT_FEES: JSON.stringify(FEES),
      // The daily job only settles earlier days; the operator endpoint settles today.
      SETTLEMENT_CHECK_INTERVAL_MS: '200',
      PROCESSOR_ROUTING_RULES: JSON.stringify([{ currency: 'EUR', processors: ['simulated-b'] }]),
    });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((service) => service.stop()));
    await bus?.close();
    for (const database of databases) await database.drop();
  });

  it('settles captures per processor and currency with the processor fee, and the ledger posts them', async () => {
    const captures = [
      await capturedPayment('10000', 'USD'),
      await capturedPayment('2550', 'USD'),
      await capturedPayment('7000', 'EUR'),
    ];
    const captureIds = captures.map((c) => c.data.captureId);
    expect(captures.map((c) => c.data.processor)).toEqual(['simulated-a', 'simulated-a', 'simulated-b']);
    // What the merchant is owed once the ledger has booked them (its own pricing, not ours).
    const pendingUsd = await waitFor('the USD captures in the ledger', SETTLE_LIMIT_MS, async () => {
      const owed = -(await balance(`merchant_pending:${MERCHANT_ID}:USD`));
      return owed > 0n && find('ledger.entry_posted', (d) => d.kind === 'capture').length === 3 && owed;
    });
    const pendingEur = -(await balance(`merchant_pending:${MERCHANT_ID}:EUR`));

    const settled = await settleAll(captureIds);
    const summary = settled
      .map((s) => [
        s.processor,
        s.currency,
        s.gross_amount,
        s.processor_fee,
        s.net_amount,
        s.capture_ids.length,
      ])
      .sort();
    // simulated-a: 2 % + 0.10 per capture: 200 + 10, 51 + 10. simulated-b: 1 %: 70.
    expect(summary).toEqual([
      ['simulated-a', 'USD', '12550', '271', '12279', 2],
      ['simulated-b', 'EUR', '7000', '70', '6930', 1],
    ]);
    for (const s of settled) {
      const posted = await waitFor(`the ledger to post ${s.id}`, SETTLE_LIMIT_MS, () =>
        find('ledger.entry_posted', (d) => d.kind === 'settlement' && d.context.settlementId === s.id).at(0),
      );
      expect(posted.data.context).toMatchObject({
        processor: s.processor,
        currency: s.currency,
        grossAmountMinor: s.gross_amount,
        feeAmountMinor: s.processor_fee,
      });
    }
    expect(find('ledger.entry_rejected', () => true)).toEqual([]);
    // The merchant's money moved from pending to available; the processors owe nothing more.
    expect(await balance(`merchant_pending:${MERCHANT_ID}:USD`)).toBe(0n);
    expect(-(await balance(`merchant_available:${MERCHANT_ID}:USD`))).toBe(pendingUsd);
    expect(-(await balance(`merchant_available:${MERCHANT_ID}:EUR`))).toBe(pendingEur);
    expect(await balance('processor_receivable:simulated-a:USD')).toBe(0n);
    expect(await balance('processor_receivable:simulated-b:EUR')).toBe(0n);
    expect(await balance('platform_bank:USD')).toBe(12_279n);
    expect(await balance('processor_fees:EUR')).toBe(70n);
  });

  it('never settles a capture twice, and settles a later capture on its own', async () => {
    const again = await call<{ data: unknown[] }>('payments', '/v1/settlements/run', 'POST');
    expect(again).toEqual({ status: 200, body: { object: 'list', data: [] } });

    const later = await capturedPayment('1000', 'USD');
    const settled = await settleAll([later.data.captureId]);
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({
      gross_amount: '1000',
      processor_fee: '30',
      capture_ids: [later.data.captureId],
    });
    await waitFor('the later settlement in the ledger', SETTLE_LIMIT_MS, () =>
      find('ledger.entry_posted', (d) => d.context.settlementId === settled[0]?.id).at(0),
    );
    const reported = find('settlement.reported', () => true);
    const settledIds = reported.flatMap((e) => e.data.captureIds);
    expect(new Set(settledIds).size).toBe(settledIds.length);
    expect(new Set(reported.map((e) => e.data.settlementId)).size).toBe(reported.length);
    // Each settlement is dated the UTC day its captures were made.
    for (const e of reported) {
      for (const captureId of e.data.captureIds) {
        const captured = find('payment.captured', (d) => d.captureId === captureId).at(0);
        expect(captured?.occurredAt.slice(0, 10)).toBe(e.data.settlementDate);
      }
    }
    expect(find('ledger.entry_rejected', () => true)).toEqual([]);
    expect(await balance('processor_receivable:simulated-a:USD')).toBe(0n);
  });

  it('nets a refund and a lost chargeback out of the settlement: the receivable ends at zero', async () => {
    const bankBefore = await balance('platform_bank:USD');
    const feesBefore = await balance('processor_fees:USD');
    const refunded = await capturedPayment('8000', 'USD');
    const refundId = `re_${randomBytes(12).toString('hex')}`;
    await send(
      'refund.create',
      { refundId, paymentId: refunded.data.paymentId, amountMinor: '3000' },
      refunded.data.paymentId,
    );
    await ledgerPosted('refund', (c) => c.refundId === refundId);

    const disputed = await capturedPayment('5000', 'USD', DISPUTED_CARD);
    const opened = await waitFor('the dispute to open', SETTLE_LIMIT_MS, () =>
      find('dispute.opened', (d) => d.paymentId === disputed.data.paymentId).at(0),
    );
    const { disputeId } = opened.data;
    await send(
      'dispute.submit_evidence',
      { disputeId, paymentId: disputed.data.paymentId, evidence: 'a receipt' },
      disputed.data.paymentId,
    );
    await ledgerPosted('dispute_lost', (c) => c.disputeId === disputeId);
    // Until they settle, the refund and the chargeback are owed back by the processor.
    expect(await balance('processor_receivable:simulated-a:USD')).toBe(8_000n + 5_000n - 3_000n - 5_000n);

    const settled = await settleAll([refunded.data.captureId, disputed.data.captureId, refundId, disputeId]);
    for (const s of settled) await ledgerPosted('settlement', (c) => c.settlementId === s.id);
    expect(find('ledger.entry_rejected', () => true)).toEqual([]);
    const total = (pick: (s: SettlementView) => string) =>
      settled.reduce((sum, s) => sum + BigInt(pick(s)), 0n);
    expect(settled.flatMap((s) => s.refund_ids)).toEqual([refundId]);
    expect(settled.flatMap((s) => s.dispute_ids)).toEqual([disputeId]);
    expect([
      total((s) => s.gross_amount),
      total((s) => s.refunded_amount),
      total((s) => s.chargeback_amount),
    ]).toEqual([13_000n, 3_000n, 5_000n]);
    // simulated-a: 2 % + 0.10 per capture: 160 + 10, 100 + 10; nothing on refunds or chargebacks.
    expect(total((s) => s.processor_fee)).toBe(280n);
    expect(await balance('processor_receivable:simulated-a:USD')).toBe(0n);
    expect((await balance('platform_bank:USD')) - bankBefore).toBe(13_000n - 3_000n - 5_000n - 280n);
    expect((await balance('processor_fees:USD')) - feesBefore).toBe(280n);
    expect(total((s) => s.net_amount)).toBe(13_000n - 3_000n - 5_000n - 280n);
  });

  it('answers the operator endpoint only with the admin token, in the documented error shape', async () => {
    const response = await fetch(`http://127.0.0.1:${PORTS.payments}/v1/settlements/run`, { method: 'POST' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { type: 'authentication_error' } });
  });
});
