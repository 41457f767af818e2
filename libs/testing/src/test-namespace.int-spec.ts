import { randomBytes } from 'node:crypto';
import { TOPICS, allTopicDefinitions, physicalTopicName } from '@platform/contracts';
import { testKafka } from './kafka-probe';
import { TestNamespace } from './test-namespace';
import { waitFor } from './wait-for';

const MERCHANT_ID = `mer_tns${randomBytes(6).toString('hex')}`;
const newPaymentId = () => `pay_${randomBytes(12).toString('hex')}`;
/** Kafka deletes a topic asynchronously: the controller may still list it for a moment after deleteTopics answers. */
const TOPIC_DELETION_LIMIT_MS = 20_000;

async function brokerTopics(): Promise<string[]> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

describe('TestNamespace on the real broker', () => {
  let bus: TestNamespace | undefined;
  const opened = (): TestNamespace => {
    if (bus === undefined) throw new Error('the namespace was not created');
    return bus;
  };

  beforeAll(async () => {
    bus = await TestNamespace.create({
      name: 'itest-tns',
      read: [TOPICS.paymentsCommands.name, TOPICS.riskEvents.name],
    });
  });

  afterAll(async () => {
    await bus?.close();
  });

  it('creates every platform topic under a namespace of its own, and names it for services', async () => {
    const topics = new Set(await brokerTopics());
    for (const topic of allTopicDefinitions()) {
      expect(topics).toContain(physicalTopicName(opened().namespace, topic.name));
    }
    expect(opened().namespace).toMatch(/^itest-tns-/);
    expect(opened().serviceEnv).toEqual({
      KAFKA_BROKERS: opened().settings.brokers.join(','),
      KAFKA_NAMESPACE: opened().namespace,
    });
  });

  it("round-trips events through each type's topic, decoded in arrival order", async () => {
    const paymentId = newPaymentId();
    const cancel = await opened().send(
      'payment.cancel',
      { paymentId },
      { aggregateId: paymentId, merchantId: MERCHANT_ID },
    );
    const assessed = await opened().send(
      'risk.assessed',
      { paymentId, decision: 'approve', score: 3, reasons: [] },
      { aggregateId: paymentId, merchantId: MERCHANT_ID },
    );
    expect(await opened().waitForEvent(paymentId, 'payment.cancel')).toEqual(cancel);
    expect(await opened().waitForEvent(paymentId, 'risk.assessed')).toEqual(assessed);
    expect(opened().find('risk.assessed', (data) => data.paymentId === paymentId)).toEqual([assessed]);
  });

  it('publishes an envelope again as it is: the nth wait finds the redelivery', async () => {
    const paymentId = newPaymentId();
    const capture = await opened().send(
      'payment.capture',
      { paymentId },
      { aggregateId: paymentId, merchantId: MERCHANT_ID },
    );
    await opened().publish(capture);
    expect(await opened().waitForEvent(paymentId, 'payment.capture', { nth: 2 })).toEqual(capture);
    expect(opened().eventsOf(paymentId)).toEqual([capture, capture]);
  });

  it('names what did arrive about the aggregate when a wait runs out', async () => {
    const paymentId = newPaymentId();
    await opened().send('payment.cancel', { paymentId }, { aggregateId: paymentId, merchantId: MERCHANT_ID });
    await opened().waitForEvent(paymentId, 'payment.cancel');
    await expect(opened().waitForEvent(paymentId, 'payment.capture', { limitMs: 300 })).rejects.toThrow(
      `payment.capture #1 for ${paymentId}`,
    );
    await expect(opened().waitForEvent(paymentId, 'payment.capture', { limitMs: 300 })).rejects.toThrow(
      `events of ${paymentId}: [payment.cancel]`,
    );
  });

  it("close() deletes the namespace's topics and no other", async () => {
    const other = await TestNamespace.create({ name: 'itest-tns-other', read: [] });
    try {
      await other.close();
      const topics = await waitFor(
        `the broker to stop listing ${other.namespace}.* topics`,
        TOPIC_DELETION_LIMIT_MS,
        async () => {
          const listed = await brokerTopics();
          const left = listed.filter((topic) => topic.startsWith(`${other.namespace}.`));
          if (left.length > 0) throw new Error(`still listed: ${left.join(', ')}`);
          return listed;
        },
        250,
      );
      expect(topics.filter((topic) => topic.startsWith(`${other.namespace}.`))).toEqual([]);
      expect(topics).toContain(physicalTopicName(opened().namespace, TOPICS.paymentsEvents.name));
    } catch (error) {
      await other.close().catch(() => undefined);
      throw error;
    }
  });
});
