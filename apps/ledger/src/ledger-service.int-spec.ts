import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  TOPICS,
  encodeEvent,
  type AnyEventEnvelope,
  type EventData,
  type EventType,
} from '@platform/contracts';
import { topicFor } from '@platform/kafka';
import {
  ServiceProcess,
  TestNamespace,
  createScratchDatabase,
  readTopics,
  testEvent,
  testKafka,
  waitFor,
  type ScratchDatabase,
} from '@platform/testing';
import { postCapture } from './domain/posting-rules';
import { defaultPricing } from './domain/pricing';

/**
 * The built ledger as real processes against the real broker and Postgres: duplicates and
 * redeliveries, a SIGKILL mid-stream, two instances in one group, rejections, republishing.
 */
const PORT_BASE = 3_560 + (process.pid % 10) * 2;
const ADMIN_TOKEN = `adm_${randomBytes(12).toString('hex')}`;
const MERCHANTS = ['mer_ledgerint0001', 'mer_ledgerint0002', 'mer_ledgerint0003'];

describe('the ledger service', () => {
  let database: ScratchDatabase;
  let db: Client;
  let bus: TestNamespace;
  const processes: ServiceProcess[] = [];
  let paymentCounter = 0;
  /** What the merchants' pending balances must be, from the pure rules. */
  const expectedPending = new Map<string, bigint>();

  async function startLedger(port: number): Promise<ServiceProcess> {
    const ledger = await ServiceProcess.start({
      name: 'ledger',
      main: join(__dirname, '..', 'dist', 'main.js'),
      port,
      env: {
        ...bus.serviceEnv,
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        // A SIGKILLed member's partitions move after this, not after the 30 s default.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    processes.push(ledger);
    return ledger;
  }

  function event<T extends EventType>(type: T, data: EventData<T>, merchantId: string, aggregateId: string) {
    return testEvent(type, data, { aggregateId, merchantId });
  }

  /** A payment authorized then captured in full, with the expected merchant net recorded. */
  function capturedPayment(): AnyEventEnvelope[] {
    paymentCounter += 1;
    const merchantId = MERCHANTS[paymentCounter % MERCHANTS.length] as string;
    const paymentId = `pay_ledgerint${String(paymentCounter).padStart(8, '0')}`;
    const amountMinor = BigInt(1_000 + ((paymentCounter * 7_919) % 50_000));
    const common = {
      paymentId,
      amountMinor: amountMinor.toString(),
      currency: 'USD',
      paymentMethodType: 'card' as const,
      processor: 'simulated-a',
      processorReference: `ref_${paymentCounter}`,
    };
    const captureId = `cap_ledgerint${String(paymentCounter).padStart(8, '0')}`;
    const decision = postCapture(null, null, {
      merchantId,
      paymentId,
      captureId,
      final: true,
      processor: 'simulated-a',
      paymentMethodType: 'card',
      currency: 'USD',
      grossAmountMinor: amountMinor,
      fx: null,
      pricing: defaultPricing('USD'),
      occurredAt: new Date(),
    });
    if (decision.outcome !== 'post') throw new Error(decision.message);
    expectedPending.set(
      merchantId,
      (expectedPending.get(merchantId) ?? 0n) + decision.state.capture.netMinor,
    );
    return [
      event('payment.authorized', common, merchantId, paymentId),
      event('payment.captured', { ...common, captureId, final: true }, merchantId, paymentId),
    ];
  }

  async function send(events: readonly AnyEventEnvelope[]): Promise<void> {
    const batchSize = 200;
    for (let i = 0; i < events.length; i += batchSize) {
      await bus.producer.send(
        events.slice(i, i + batchSize).map((e) => ({
          topic: (e.type.startsWith('ledger.') ? TOPICS.ledgerCommands : TOPICS.paymentsEvents).name,
          key: e.aggregateId,
          value: encodeEvent(e),
          headers: {},
        })),
      );
    }
  }

  /** The ledger group has committed every message of payments.events. */
  async function caughtUp(): Promise<boolean> {
    const admin = testKafka('ledger-int-offsets').admin();
    await admin.connect();
    try {
      const topic = topicFor(bus.settings, TOPICS.paymentsEvents.name);
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({
        groupId: `${bus.namespace}.ledger`,
        topics: [topic],
      });
      return ends.every(
        (end) => committed?.partitions.find((p) => p.partition === end.partition)?.offset === end.high,
      );
    } finally {
      await admin.disconnect();
    }
  }

  async function count(sql: string): Promise<number> {
    const result = await db.query<{ n: number }>(sql);
    return result.rows[0]?.n ?? 0;
  }
  const entries = () => count('SELECT count(*)::int AS n FROM journal_entries');

  async function get<T>(port: number, path: string, token: string | null = ADMIN_TOKEN) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function expectBooksRight(port: number): Promise<void> {
    const verify = await get<{ ok: boolean; first_broken_link: unknown; balance_mismatches: string[] }>(
      port,
      '/v1/ledger/verify',
    );
    expect(verify.body).toMatchObject({ ok: true, first_broken_link: null, balance_mismatches: [] });
    const trial = await get<{ currencies: { currency: string; net_minor: string }[] }>(
      port,
      '/v1/ledger/trial-balance',
    );
    for (const currency of trial.body.currencies) expect(currency.net_minor).toBe('0');
    for (const [merchantId, pending] of expectedPending) {
      const balance = await get<{ balance_minor: string }>(
        port,
        `/v1/ledger/accounts/merchant_pending:${merchantId}:USD/balance`,
      );
      expect(balance.body.balance_minor).toBe((-pending).toString());
    }
    // Each source event posted once; each entry announced once.
    expect(await count('SELECT count(*)::int AS n FROM journal_entries')).toBe(
      await count(`SELECT count(*)::int AS n FROM outbox WHERE event_type = 'ledger.entry_posted'`),
    );
  }

  beforeAll(async () => {
    database = await createScratchDatabase('ledger_int');
    db = new Client({ connectionString: database.url });
    await db.connect();
    bus = await TestNamespace.create({ name: 'ledger-int', read: [] });
  }, 60_000);

  afterAll(async () => {
    for (const ledger of processes) await ledger.kill();
    await bus?.close();
    await db?.end();
    await database?.drop();
  });

  it('posts duplicated and redelivered events once', async () => {
    await startLedger(PORT_BASE);
    const stream = Array.from({ length: 20 }, () => capturedPayment()).flat();
    // Every event twice, and the first ten a third time later on (a producer retry).
    await send([...stream, ...stream]);
    await send(stream.slice(0, 10));
    await waitFor('40 entries', 60_000, async () => (await entries()) === 40);
    await waitFor('the ledger group to commit every copy', 30_000, caughtUp);
    expect(await entries()).toBe(40);
    await expectBooksRight(PORT_BASE);
  }, 120_000);

  it('loses nothing and posts nothing twice when SIGKILLed mid-stream', async () => {
    const [first] = processes;
    if (first === undefined) throw new Error('no ledger running');
    const before = await entries();
    // Long enough that a batch-posting ledger is still busy with it when the kill lands.
    const stream = Array.from({ length: 1_000 }, () => capturedPayment()).flat();
    await send(stream);
    await waitFor('some of the stream posted', 60_000, async () => (await entries()) >= before + 30);
    await first.kill();
    expect(await entries()).toBeLessThan(before + stream.length);
    await startLedger(PORT_BASE);
    await waitFor(
      'the whole stream posted',
      120_000,
      async () => (await entries()) === before + stream.length,
    );
    await expectBooksRight(PORT_BASE);
  }, 240_000);

  it('keeps every balance right with two instances in one consumer group', async () => {
    await startLedger(PORT_BASE + 1);
    const before = await entries();
    const stream = Array.from({ length: 80 }, () => capturedPayment()).flat();
    await send(stream);
    await waitFor(
      'the stream posted by two instances',
      120_000,
      async () => (await entries()) === before + stream.length,
    );
    await expectBooksRight(PORT_BASE + 1);
  }, 180_000);

  it('settles, refuses a payout above the available balance, reserves one within it', async () => {
    const merchantId = MERCHANTS[0] as string;
    const captures = await db.query<{ capture_id: string; gross_minor: string; net_minor: string }>(
      `SELECT capture_id, gross_minor, net_minor FROM captures WHERE merchant_id = $1 ORDER BY capture_id LIMIT 5`,
      [merchantId],
    );
    const gross = captures.rows.reduce((sum, r) => sum + BigInt(r.gross_minor), 0n);
    const net = captures.rows.reduce((sum, r) => sum + BigInt(r.net_minor), 0n);
    const settlementId = `stl_ledgerint_${randomBytes(4).toString('hex')}`;
    const settlement = event(
      'settlement.reported',
      {
        settlementId,
        processor: 'simulated-a',
        currency: 'USD',
        settlementDate: '2025-11-21',
        grossAmountMinor: gross.toString(),
        refundedAmountMinor: '0',
        chargebackAmountMinor: '0',
        processorFeeAmountMinor: '100',
        netAmountMinor: (gross - 100n).toString(),
        captureIds: captures.rows.map((r) => r.capture_id),
        refundIds: [],
        disputeIds: [],
      },
      merchantId,
      settlementId,
    );
    const tooMuch = event(
      'payout.requested',
      { payoutId: 'po_ledgerint00001', merchantId, amountMinor: (net + 1n).toString(), currency: 'USD' },
      merchantId,
      merchantId,
    );
    const within = event(
      'payout.requested',
      { payoutId: 'po_ledgerint00002', merchantId, amountMinor: net.toString(), currency: 'USD' },
      merchantId,
      merchantId,
    );
    await send([settlement]);
    await waitFor('the settlement posted', 30_000, async () => {
      const refused = await db.query(`SELECT payload FROM outbox WHERE event_type = 'ledger.entry_rejected'`);
      if (refused.rows.length > 0) throw new Error(`rejected: ${JSON.stringify(refused.rows)}`);
      return (await count(`SELECT count(*)::int AS n FROM journal_entries WHERE kind = 'settlement'`)) === 1;
    }).catch((error: Error) => {
      throw new Error(
        `${error.message}\n${processes.map((ledger) => ledger.output.slice(-3_000)).join('\n---\n')}`,
      );
    });
    await send([tooMuch, within]);
    await waitFor(
      'the second payout reserved',
      30_000,
      async () => (await count(`SELECT count(*)::int AS n FROM payouts WHERE status = 'reserved'`)) === 1,
    );
    const rejected = await db.query<{ payload: { data: { reason: string; payoutId: string } } }>(
      `SELECT payload FROM outbox WHERE event_type = 'ledger.entry_rejected'`,
    );
    expect(rejected.rows.map((r) => [r.payload.data.reason, r.payload.data.payoutId])).toEqual([
      ['insufficient_balance', 'po_ledgerint00001'],
    ]);
    const available = await get<{ balance_minor: string }>(
      PORT_BASE,
      `/v1/ledger/accounts/merchant_available:${merchantId}:USD/balance`,
    );
    expect(available.body.balance_minor).toBe('0');
    const statement = await get<{ data: { kind: string; balance_after_minor: string }[] }>(
      PORT_BASE,
      `/v1/ledger/accounts/merchant_available:${merchantId}:USD/statement`,
    );
    expect(statement.body.data.map((l) => [l.kind, l.balance_after_minor])).toEqual([
      ['settlement', (-net).toString()],
      ['payout', '0'],
    ]);
  }, 90_000);

  it('republishes a range on request with the original event ids', async () => {
    const head = (await get<{ sequence: string }>(PORT_BASE, '/v1/ledger/digest')).body;
    const from = BigInt(head.sequence) - 4n;
    await send([
      testEvent(
        'ledger.republish_requested',
        { fromSequence: from.toString(), requestedBy: 'ledger-int' },
        { aggregateId: 'ledger-int', merchantId: MERCHANTS[0] as string },
      ),
    ]);
    const topic = topicFor(bus.settings, TOPICS.ledgerEvents.name);
    const posted = (m: { value: string | null }) => {
      const parsed = JSON.parse(m.value ?? '{}') as { id: string; type: string; data: { sequence: string } };
      return parsed.type === 'ledger.entry_posted' && BigInt(parsed.data.sequence) >= from ? parsed.id : null;
    };
    // Called once per message read: looking at the newest one keeps the whole read linear.
    let republished = 0;
    const messages = await readTopics(
      testKafka('ledger-int-reader'),
      [topic],
      (read) => {
        const newest = read[read.length - 1];
        if (newest !== undefined && posted(newest) !== null) republished += 1;
        return republished >= 10;
      },
      60_000,
    );
    const ids = messages.map(posted).filter((id): id is string => id !== null);
    expect(ids.length).toBe(10);
    expect(new Set(ids).size).toBe(5);

    const byRoute = await fetch(`http://127.0.0.1:${PORT_BASE}/v1/ledger/republish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from_sequence: from.toString(), to_sequence: (from + 1n).toString() }),
    });
    expect(byRoute.status).toBe(202);
    expect(await byRoute.json()).toMatchObject({ entries: 2 });

    const bad = await fetch(`http://127.0.0.1:${PORT_BASE}/v1/ledger/republish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from_sequence: '-1' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('from_sequence');
    expect((await get(PORT_BASE, '/v1/ledger/verify', null)).status).toBe(401);
  }, 90_000);
});
