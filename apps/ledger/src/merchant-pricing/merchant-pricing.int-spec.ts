import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  TOPICS,
  deadLetterTopicName,
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

/**
 * The built ledger against the real broker and Postgres: merchant.pricing_set from the gateway's
 * topic changes the fee of the captures the ledger posts after it, once however often it arrives.
 */
const PORT = 3_590 + (process.pid % 10);
const ADMIN_TOKEN = `adm_${randomBytes(12).toString('hex')}`;
const MERCHANT = `mer_pricingint${randomBytes(4).toString('hex')}`;

interface PricingList {
  data: { currency: string; basis_points: number; fixed_minor: string }[];
}

describe('the ledger applies merchant.pricing_set', () => {
  let database: ScratchDatabase;
  let bus: TestNamespace;
  let ledger: ServiceProcess;
  let paymentCounter = 0;
  let pricingSequence = 0;

  function event<T extends EventType>(type: T, data: EventData<T>, aggregateId: string, sequence = 1) {
    return testEvent(type, data, {
      aggregateId,
      aggregateSequence: sequence,
      merchantId: MERCHANT,
    }) as AnyEventEnvelope;
  }

  function pricingSet(basisPoints: number, fixedAmountMinor: string): AnyEventEnvelope {
    pricingSequence += 1;
    return event(
      'merchant.pricing_set',
      { merchantId: MERCHANT, currency: 'USD', basisPoints, fixedAmountMinor },
      MERCHANT,
      pricingSequence,
    );
  }

  /** One after the other, so events with one key keep their order on its partition. */
  async function send(events: readonly AnyEventEnvelope[]): Promise<void> {
    for (const e of events) await bus.publish(e);
  }

  async function get<T>(path: string): Promise<T> {
    const response = await fetch(`${ledger.url}${path}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async function usdPricing(): Promise<{ basis_points: number; fixed_minor: string } | undefined> {
    const list = await get<PricingList>(`/v1/ledger/pricing/${MERCHANT}`);
    return list.data.find((entry) => entry.currency === 'USD');
  }

  async function balance(code: string): Promise<bigint> {
    const response = await fetch(`${ledger.url}/v1/ledger/accounts/${code}/balance`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    if (response.status === 404) return 0n;
    return BigInt(((await response.json()) as { balance_minor: string }).balance_minor);
  }

  /** Captures amountMinor in full; answers the fee the ledger took, once the capture is posted. */
  async function captureFee(amountMinor: bigint): Promise<bigint> {
    paymentCounter += 1;
    const paymentId = `pay_pricingint${String(paymentCounter).padStart(8, '0')}`;
    const captureId = `cap_pricingint${String(paymentCounter).padStart(8, '0')}`;
    const payment = {
      paymentId,
      amountMinor: amountMinor.toString(),
      currency: 'USD',
      paymentMethodType: 'card' as const,
      processor: 'simulated-a',
      processorReference: `ref_${paymentCounter}`,
    };
    const feesBefore = -(await balance('fee_revenue:USD'));
    const pendingBefore = -(await balance(`merchant_pending:${MERCHANT}:USD`));
    await send([
      event('payment.authorized', payment, paymentId),
      event('payment.captured', { ...payment, captureId, final: true }, paymentId),
    ]);
    const pendingAfter = await waitFor(`capture ${captureId} posted`, 30_000, async () => {
      const pending = -(await balance(`merchant_pending:${MERCHANT}:USD`));
      return pending !== pendingBefore && pending;
    });
    const fee = -(await balance('fee_revenue:USD')) - feesBefore;
    // What the merchant got and what the platform kept make up the whole capture.
    expect(pendingAfter - pendingBefore + fee).toBe(amountMinor);
    return fee;
  }

  beforeAll(async () => {
    database = await createScratchDatabase('ledger_pricing_int');
    bus = await TestNamespace.create({ name: 'ledger-pricing-int', read: [] });
    ledger = await ServiceProcess.start({
      name: 'ledger',
      main: join(__dirname, '..', '..', 'dist', 'main.js'),
      port: PORT,
      env: {
        HOST: '127.0.0.1',
        ...bus.serviceEnv,
        DATABASE_URL: database.url,
        ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
  }, 90_000);

  afterAll(async () => {
    await ledger?.stop();
    await bus?.close();
    await database?.drop();
  });

  it('charges the default until a pricing event arrives, then the merchant pricing', async () => {
    expect(await usdPricing()).toBeUndefined();
    // The default: 2.9 % + 0.30 of 100.00.
    expect(await captureFee(10_000n)).toBe(320n);

    await send([pricingSet(250, '30')]);
    await waitFor(
      'the ledger to apply 250 bp + 30',
      30_000,
      async () => (await usdPricing())?.basis_points === 250,
    );
    expect(await usdPricing()).toMatchObject({ basis_points: 250, fixed_minor: '30' });
    expect(await captureFee(10_000n)).toBe(280n);
  }, 90_000);

  it('applies a redelivered pricing event once: an older copy does not undo a newer price', async () => {
    const older = pricingSet(100, '0');
    const newer = pricingSet(50, '5');
    await send([older, newer]);
    await waitFor(
      'the ledger to apply 50 bp + 5',
      30_000,
      async () => (await usdPricing())?.basis_points === 50,
    );
    // A producer retry of the older event, after the newer one was applied.
    await send([older]);
    // A marker behind it on the same partition (same key): once the marker is applied, so was the copy.
    const marker = event(
      'merchant.pricing_set',
      { merchantId: MERCHANT, currency: 'EUR', basisPoints: 1, fixedAmountMinor: '1' },
      MERCHANT,
      ++pricingSequence,
    );
    await send([marker]);
    await waitFor('the marker applied', 30_000, async () => {
      const list = await get<PricingList>(`/v1/ledger/pricing/${MERCHANT}`);
      return list.data.some((entry) => entry.currency === 'EUR');
    });
    expect(await usdPricing()).toMatchObject({ basis_points: 50, fixed_minor: '5' });
    // 0.5 % of 200.00 is 100, plus 5.
    expect(await captureFee(20_000n)).toBe(105n);
  }, 90_000);

  it('dead-letters a pricing event that breaks the contract and goes on', async () => {
    const valid = event(
      'merchant.pricing_set',
      { merchantId: MERCHANT, currency: 'USD', basisPoints: 1, fixedAmountMinor: '1' },
      MERCHANT,
      ++pricingSequence,
    );
    // Above 100 %: no producer would write it (createEvent refuses it), so it is sent raw.
    const broken = { ...valid, data: { ...valid.data, basisPoints: 10_001 } };
    await bus.producer.send([
      {
        topic: TOPICS.merchantsEvents.name,
        key: MERCHANT,
        value: Buffer.from(JSON.stringify(broken)),
        headers: {},
      },
    ]);
    const deadLetters = await readTopics(
      testKafka('ledger-pricing-int-dlq'),
      [topicFor(bus.settings, deadLetterTopicName(TOPICS.merchantsEvents.name))],
      (messages) => messages.length >= 1,
      30_000,
    );
    expect(deadLetters).toHaveLength(1);
    await send([pricingSet(75, '10')]);
    await waitFor('the next pricing applied', 30_000, async () => (await usdPricing())?.basis_points === 75);
  }, 90_000);
});
