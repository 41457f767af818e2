import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { TOPICS, decodeEvent, physicalTopicName, type EventEnvelope } from '@platform/contracts';
import {
  ServiceProcess,
  TestNamespace,
  createScratchDatabase,
  readTopics,
  testKafka,
  waitFor,
  type ScratchDatabase,
} from '@platform/testing';
import { entryPosted, type EntrySpec } from '../test-support/ledger-entries';

const PORT = 3500 + 90 + (process.pid % 9);
const BASE = `http://127.0.0.1:${PORT}`;
const ADMIN_TOKEN = `adm_${randomBytes(12).toString('hex')}`;
const ANALYST_TOKEN = `ana_${randomBytes(12).toString('hex')}`;
const MERCHANT_A = 'mer_reportAAAA0001';
const MERCHANT_B = 'mer_reportBBBB0002';
const MERCHANT_C = 'mer_reportCCCC0003';

async function get<T>(path: string, token = ANALYST_TOKEN, accept = 'application/json') {
  const response = await fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${token}`, accept } });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: (accept === 'application/json' ? JSON.parse(text) : text) as T,
  };
}

interface VolumeLine {
  period_start: string;
  merchant: string | null;
  currency: string;
  payment_method: string | null;
  gross_amount: string;
  refunded_amount: string;
  settlement_currency: string;
  settlement_gross_amount: string;
  fee_amount: string;
  settlement_refunded_amount: string;
  net_amount: string;
  count: number;
  refund_count: number;
  refund_rate: string | null;
}
interface Reconciliation {
  difference_count: number;
  same_sequence: boolean;
  differences: { check: string; key: Record<string, string>; expected: string; actual: string }[];
}
interface Status {
  active_generation: number;
  generations: { generation: number; status: string; contiguous_sequence: string | null }[];
  rebuild: { generation: number; state: string; events_done: string; events_total: string } | null;
}

describe('reporting service against real Kafka and Postgres', () => {
  let database: ScratchDatabase;
  let bus: TestNamespace | undefined;
  let namespace: string;
  let service: ServiceProcess | undefined;
  let sequence = 0;
  const published: EventEnvelope<'ledger.entry_posted'>[] = [];

  async function publish(
    specs: Omit<EntrySpec, 'sequence'>[],
  ): Promise<EventEnvelope<'ledger.entry_posted'>[]> {
    const events = specs.map((spec) => entryPosted({ ...spec, sequence: (sequence += 1) }));
    published.push(...events);
    await sendToLedgerEvents(events);
    return events;
  }

  /** Sends entries to ledger.events as they are, in order, keyed by their aggregates. */
  async function sendToLedgerEvents(events: readonly EventEnvelope<'ledger.entry_posted'>[]): Promise<void> {
    if (bus === undefined) throw new Error('the test namespace was not created');
    for (const event of events) await bus.publish(event);
  }

  async function status(): Promise<Status> {
    return (await get<Status>('/v1/projections/status', ADMIN_TOKEN)).body;
  }

  async function caughtUp(generation: number, expected: number): Promise<void> {
    await waitFor(`generation ${generation} to reach sequence ${expected}`, 30_000, async () => {
      const found = (await status()).generations.find((g) => g.generation === generation);
      return found?.contiguous_sequence === String(expected);
    });
  }

  beforeAll(async () => {
    database = await createScratchDatabase('reporting_int');
    bus = await TestNamespace.create({ name: 'reporting-int', read: [] });
    namespace = bus.namespace;
    service = await ServiceProcess.start({
      name: 'reporting',
      main: join(__dirname, '..', 'dist', 'main.js'),
      port: PORT,
      env: {
        HOST: '127.0.0.1',
        ...bus.serviceEnv,
        DATABASE_URL: database.url,
        ADMIN_TOKEN,
        ANALYST_TOKEN,
        LOG_LEVEL: 'warn',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
  });

  afterAll(async () => {
    await service?.stop();
    await bus?.close();
    await database?.drop();
  });

  it('projects volume, refunds, fees, balances and payouts from ledger events', async () => {
    await publish([
      {
        kind: 'capture',
        merchantId: MERCHANT_A,
        grossMinor: 10_000n,
        feeMinor: 320n,
        occurredAt: '2025-11-20T23:30:00Z',
      },
      {
        kind: 'capture',
        merchantId: MERCHANT_A,
        grossMinor: 5_000n,
        feeMinor: 175n,
        method: 'wallet',
        occurredAt: '2025-11-21T08:00:00Z',
      },
      {
        kind: 'capture',
        merchantId: MERCHANT_B,
        grossMinor: 2_000n,
        feeMinor: 88n,
        currency: 'EUR',
        occurredAt: '2025-11-21T09:00:00Z',
      },
      { kind: 'refund', merchantId: MERCHANT_A, grossMinor: 1_000n, occurredAt: '2025-11-21T10:00:00Z' },
      { kind: 'settlement', merchantId: MERCHANT_A, grossMinor: 9_680n, occurredAt: '2025-11-22T00:00:00Z' },
      { kind: 'payout', merchantId: MERCHANT_A, grossMinor: 4_000n, occurredAt: '2025-11-22T01:00:00Z' },
      { kind: 'payout_paid', merchantId: MERCHANT_A, grossMinor: 4_000n, occurredAt: '2025-11-22T02:00:00Z' },
    ]);
    await caughtUp(1, 7);
    const utc = await get<{ data: VolumeLine[]; as_of: { sequence: string } }>(
      `/v1/reports/volume?merchant=${MERCHANT_A}&group_by=`,
    );
    expect(utc.body.as_of.sequence).toBe('7');
    expect(
      utc.body.data.map((l) => [
        l.period_start,
        l.gross_amount,
        l.fee_amount,
        l.refunded_amount,
        l.net_amount,
        l.count,
        l.refund_count,
      ]),
    ).toEqual([
      ['2025-11-20', '10000', '320', '0', '9680', 1, 0],
      ['2025-11-21', '5000', '175', '1000', '3825', 1, 1],
    ]);
    // In Tokyo (UTC+9) the 23:30 UTC capture falls on the 21st; in a month, everything is November.
    const tokyo = await get<{ data: VolumeLine[] }>(
      `/v1/reports/volume?merchant=${MERCHANT_A}&group_by=&time_zone=Asia/Tokyo`,
    );
    expect(tokyo.body.data.map((l) => [l.period_start, l.gross_amount, l.refund_rate])).toEqual([
      ['2025-11-21', '15000', '0.5000'],
    ]);
    const byMethod = await get<{ data: VolumeLine[] }>(
      `/v1/reports/volume?period=month&group_by=method&currency=usd`,
    );
    expect(byMethod.body.data.map((l) => [l.period_start, l.payment_method, l.gross_amount])).toEqual([
      ['2025-11-01', 'card', '10000'],
      ['2025-11-01', 'wallet', '5000'],
    ]);
    const fees = await get<{ data: { currency: string; fee_revenue: string }[] }>(
      '/v1/reports/fees?period=month',
    );
    expect(fees.body.data.map((l) => [l.currency, l.fee_revenue])).toEqual([
      ['eur', '88'],
      ['usd', '495'],
    ]);
    const balances = await get<{ data: { account_code: string; balance_minor: string }[] }>(
      `/v1/reports/balances?merchant=${MERCHANT_A}`,
    );
    expect(Object.fromEntries(balances.body.data.map((b) => [b.account_code, b.balance_minor]))).toEqual({
      [`merchant_available:${MERCHANT_A}:USD`]: String(1_000 + 4_000 - 9_680),
      [`merchant_pending:${MERCHANT_A}:USD`]: String(-(9_680 + 4_825) + 9_680),
      [`merchant_payout_reserved:${MERCHANT_A}:USD`]: '0',
    });
    const csv = await get<string>(`/v1/reports/fees?period=month`, ANALYST_TOKEN, 'text/csv');
    expect(csv.text).toBe(
      'period_start,currency,merchant,fee_revenue,entry_count\r\n2025-11-01,eur,,88,1\r\n2025-11-01,usd,,495,2\r\n',
    );
    const reconciliation = await get<Reconciliation>('/v1/reconciliation', ADMIN_TOKEN);
    expect(reconciliation.body.differences).toEqual([]);
  });

  it('applies a redelivered entry once', async () => {
    const [event] = await publish([
      {
        kind: 'capture',
        merchantId: MERCHANT_B,
        grossMinor: 700n,
        feeMinor: 50n,
        currency: 'EUR',
        occurredAt: '2025-11-23T09:00:00Z',
      },
    ]);
    await sendToLedgerEvents([event!, event!]);
    await publish([
      {
        kind: 'capture',
        merchantId: MERCHANT_B,
        grossMinor: 300n,
        feeMinor: 10n,
        currency: 'EUR',
        occurredAt: '2025-11-23T09:00:00Z',
      },
    ]);
    await caughtUp(1, sequence);
    const volume = await get<{ data: VolumeLine[] }>(
      `/v1/reports/volume?merchant=${MERCHANT_B}&from=2025-11-23&to=2025-11-23`,
    );
    expect(volume.body.data.map((l) => [l.gross_amount, l.count])).toEqual([['1000', 2]]);
  });

  // Issue 16: a merchant settling in JPY was paid in USD; its JPY fee was reported as USD and
  // subtracted from the USD gross, and reconciliation, folded from the same context, agreed.
  it('reports a cross-currency payment with fee and net in the settlement currency, and reconciles it against the postings', async () => {
    const fx = (grossMinor: bigint) => ({ currency: 'JPY', grossMinor, rate: '151.2' });
    await publish([
      {
        kind: 'capture',
        merchantId: MERCHANT_C,
        grossMinor: 1_000_000n,
        feeMinor: 44_376n,
        fx: fx(1_512_000n),
        occurredAt: '2025-11-24T09:00:00Z',
      },
      {
        kind: 'refund',
        merchantId: MERCHANT_C,
        grossMinor: 250_000n,
        fx: fx(378_000n),
        occurredAt: '2025-11-24T10:00:00Z',
      },
    ]);
    await caughtUp(1, sequence);
    const volume = await get<{ data: VolumeLine[] }>(`/v1/reports/volume?merchant=${MERCHANT_C}&group_by=`);
    expect(volume.body.data).toEqual([
      {
        period_start: '2025-11-24',
        merchant: null,
        currency: 'usd',
        payment_method: null,
        gross_amount: '1000000',
        refunded_amount: '250000',
        settlement_currency: 'jpy',
        settlement_gross_amount: '1512000',
        fee_amount: '44376',
        settlement_refunded_amount: '378000',
        net_amount: String(1_512_000 - 44_376 - 378_000),
        count: 1,
        refund_count: 1,
        refund_rate: '1.0000',
        refunded_amount_rate: '0.2500',
      },
    ]);
    // The net is what the merchant's JPY accounts hold from these two entries.
    const balances = await get<{ data: { balance_minor: string; currency: string }[] }>(
      `/v1/reports/balances?merchant=${MERCHANT_C}`,
    );
    const jpy = balances.body.data.filter((b) => b.currency === 'jpy');
    expect(jpy.reduce((sum, b) => sum - BigInt(b.balance_minor), 0n)).toBe(
      BigInt(1_512_000 - 44_376 - 378_000),
    );
    expect(balances.body.data.filter((b) => b.currency === 'usd')).toEqual([]);
    const bySettlement = await get<{ data: VolumeLine[] }>(
      `/v1/reports/volume?settlement_currency=jpy&group_by=merchant`,
    );
    expect(bySettlement.body.data.map((l) => [l.merchant, l.currency, l.fee_amount])).toEqual([
      [MERCHANT_C, 'usd', '44376'],
    ]);
    const fees = await get<{ data: { currency: string; fee_revenue: string }[] }>(
      `/v1/reports/fees?merchant=${MERCHANT_C}`,
    );
    expect(fees.body.data.map((l) => [l.currency, l.fee_revenue])).toEqual([['jpy', '44376']]);
    // The dashboard's figures are in the settlement currency, every one of them.
    type Totals = { totals: Record<string, string | number | null> };
    const overview = (currency: string) =>
      get<Totals>(
        `/v1/reports/overview?merchant=${MERCHANT_C}&currency=${currency}&from=2025-11-24&to=2025-11-24`,
      );
    expect((await overview('jpy')).body.totals).toMatchObject({
      gross_amount: '1512000',
      fee_amount: '44376',
      refunded_amount: '378000',
      net_amount: String(1_512_000 - 44_376 - 378_000),
      count: 1,
    });
    expect((await overview('usd')).body.totals).toMatchObject({
      gross_amount: '0',
      fee_amount: '0',
      count: 0,
    });
    expect((await get<Reconciliation>('/v1/reconciliation', ADMIN_TOKEN)).body.differences).toEqual([]);

    // File the row the way the old fold did (everything under USD): the postings disagree.
    const client = new Client({ connectionString: database.url });
    await client.connect();
    // At 151.2 JPY a cent both amounts are exact: 1,000,000 → 1,512,000 and 250,000 → 378,000.
    const refile = (to: 'USD' | 'JPY') =>
      client.query(
        `UPDATE reporting_g1.volume SET settlement_currency = $2::text,
           settlement_gross_minor = gross_minor * $3::bigint / 1000,
           settlement_refunded_minor = refunded_minor * $3::bigint / 1000
          WHERE merchant_id = $1`,
        [MERCHANT_C, to, to === 'USD' ? 1000 : 1512],
      );
    try {
      await refile('USD');
      const altered = await get<Reconciliation>('/v1/reconciliation', ADMIN_TOKEN);
      const figures = altered.body.differences
        .filter((d) => d.check === 'volume_postings')
        .map((d) => [d.key.currency, d.key.figure, d.expected, d.actual])
        .sort();
      expect(figures).toEqual([
        ['JPY', 'fee', '44376', '0'],
        ['JPY', 'net', String(1_512_000 - 44_376), '0'],
        ['JPY', 'settled_refunded', '378000', '0'],
        ['USD', 'fee', '0', '44376'],
        ['USD', 'net', '0', String(1_000_000 - 44_376)],
        ['USD', 'settled_refunded', '0', '250000'],
      ]);
      await refile('JPY');
      expect((await get<Reconciliation>('/v1/reconciliation', ADMIN_TOKEN)).body.difference_count).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('refuses bad queries and missing tokens with the error shape', async () => {
    const bad = await get<{ error: { param: string; type: string } }>(
      '/v1/reports/volume?time_zone=Mars/Base',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: 'invalid_request_error', param: 'time_zone' });
    const range = await get<{ error: { param: string } }>('/v1/reports/volume?from=2025-02-02&to=2025-02-01');
    expect([range.status, range.body.error.param]).toEqual([400, 'to']);
    expect((await get('/v1/reports/balances', 'wrong')).status).toBe(401);
    expect((await get('/v1/projections/status', ANALYST_TOKEN)).status).toBe(401);
    const openapi = await get<{ paths: Record<string, unknown> }>('/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/reports/volume',
        '/v1/reports/balances',
        '/v1/reports/fees',
        '/v1/projections/rebuild',
      ]),
    );
  });

  it('rebuilds into a new generation while events flow, swaps it in, and it equals the old one row for row', async () => {
    const before = await status();
    expect(before.active_generation).toBe(1);
    const started = await fetch(`${BASE}/v1/projections/rebuild`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(started.status).toBe(202);
    const again = await fetch(`${BASE}/v1/projections/rebuild`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(again.status).toBe(409);
    for (let round = 0; round < 5; round += 1) {
      await publish([
        { kind: 'capture', merchantId: MERCHANT_A, grossMinor: BigInt(1_000 + round), feeMinor: 30n },
        {
          kind: 'capture',
          merchantId: MERCHANT_B,
          grossMinor: BigInt(2_000 + round),
          feeMinor: 60n,
          method: 'bank_transfer',
        },
      ]);
      // Queries keep answering during the rebuild.
      expect((await get('/v1/reports/volume')).status).toBe(200);
    }
    const done = await waitFor('the rebuild to complete', 60_000, async () => {
      const now = await status();
      if (now.rebuild?.state !== 'completed')
        throw new Error(`${JSON.stringify(now)} ${service?.output.slice(-2_000)}`);
      return now;
    });
    expect(done.active_generation).toBe(2);
    expect(done.rebuild?.events_total).toBe(done.rebuild?.events_done);
    await caughtUp(2, sequence);
    await caughtUp(1, sequence);
    const compared = await get<Reconciliation>('/v1/reconciliation?against=retired', ADMIN_TOKEN);
    expect(compared.body).toMatchObject({ same_sequence: true, difference_count: 0 });
  });

  it('reports the difference when a projection row is altered, and zero once it is put back', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(
        `UPDATE reporting_g2.volume SET gross_minor = gross_minor + 1
          WHERE merchant_id = $1 AND bucket = '2025-11-20T23:30:00Z'`,
        [MERCHANT_A],
      );
      const altered = await get<Reconciliation>('/v1/reconciliation', ADMIN_TOKEN);
      expect(altered.body.differences).toEqual([
        {
          check: 'volume',
          key: { merchant: MERCHANT_A, currency: 'USD', figure: 'gross' },
          expected: String(15_000 + 5 * 1_000 + 10),
          actual: String(15_000 + 5 * 1_000 + 10 + 1),
        },
      ]);
      await client.query(
        `UPDATE reporting_g2.volume SET gross_minor = gross_minor - 1
          WHERE merchant_id = $1 AND bucket = '2025-11-20T23:30:00Z'`,
        [MERCHANT_A],
      );
      expect((await get<Reconciliation>('/v1/reconciliation', ADMIN_TOKEN)).body.difference_count).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('rolls back to the retired generation and forward again', async () => {
    const post = (path: string) =>
      fetch(`${BASE}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(await (await post('/v1/projections/rollback')).json()).toEqual({
      object: 'projection_rollback',
      active_generation: 1,
    });
    expect((await status()).active_generation).toBe(1);
    expect(
      ((await (await post('/v1/projections/rollback')).json()) as { active_generation: number })
        .active_generation,
    ).toBe(2);
  });

  it('asks the ledger to republish what Kafka no longer holds, and completes with the republished events', async () => {
    // Retention stand-in: delete every record below the current end of each partition.
    const topic = physicalTopicName(namespace, TOPICS.ledgerEvents.name);
    const admin = testKafka('reporting-int-retention').admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.deleteTopicRecords({
        topic,
        partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
      });
    } finally {
      await admin.disconnect();
    }
    const started = await fetch(`${BASE}/v1/projections/rebuild`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const { generation } = (await started.json()) as { generation: number };
    const commands = await readTopics(
      testKafka('reporting-int-commands'),
      [physicalTopicName(namespace, TOPICS.ledgerCommands.name)],
      (messages) => messages.length >= 1,
      20_000,
    );
    const request = decodeEvent(Buffer.from(commands[0]?.value ?? 'null'));
    expect(request).toMatchObject({
      type: 'ledger.republish_requested',
      data: { fromSequence: '1', toSequence: String(sequence), requestedBy: 'reporting-rebuild' },
    });
    expect((await status()).rebuild).toMatchObject({ generation, state: 'building', events_done: '0' });
    // Play the ledger: the same events, same ids, again on ledger.events.
    await sendToLedgerEvents(published);
    await waitFor(
      'the rebuild from republished events to complete',
      30_000,
      async () => (await status()).rebuild?.state === 'completed',
    );
    const compared = await get<Reconciliation>('/v1/reconciliation?against=retired', ADMIN_TOKEN);
    expect(compared.body).toMatchObject({ same_sequence: true, difference_count: 0 });
    // The live generation saw the republished events too, and applied none of them twice.
    const [live] = (await status()).generations.filter((g) => g.generation === generation - 1);
    expect(live?.contiguous_sequence).toBe(String(sequence));
  });
});
