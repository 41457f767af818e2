import { randomUUID } from 'node:crypto';
import {
  TOPICS,
  allTopicDefinitions,
  createEvent,
  encodeEvent,
  type AnyEventEnvelope,
} from '@platform/contracts';
import { readTopics, testKafka, uniqueNamespace, waitFor, TEST_KAFKA_BROKERS } from '@platform/testing';
import { EventConsumer, UnprocessableEventError } from './event-consumer';
import { EventProducer } from './event-producer';
import { ensureTopics } from './kafka-admin';
import { createKafka, topicFor, type KafkaSettings } from './kafka-settings';

function assessed(paymentNumber: number) {
  const paymentId = `pay_${String(paymentNumber).padStart(24, '0')}`;
  return createEvent(
    'risk.assessed',
    { paymentId, decision: 'approve', score: paymentNumber % 100, reasons: [] },
    {
      aggregateId: paymentId,
      aggregateSequence: 1,
      merchantId: 'mer_consumertest1',
      correlationId: randomUUID(),
      causationId: null,
    },
  );
}

describe('event consumer against a real broker', () => {
  const settings: KafkaSettings = {
    brokers: TEST_KAFKA_BROKERS,
    clientId: 'consumer-test',
    namespace: uniqueNamespace('itest-consumer'),
  };
  const kafka = createKafka(settings);
  const producer = new EventProducer(kafka, settings);
  const consumers: EventConsumer[] = [];
  const deadLetters = () => topicFor(settings, `${TOPICS.riskEvents.name}.dlq`);

  const startConsumer = async (
    groupName: string,
    handle: (event: AnyEventEnvelope) => Promise<void>,
    isTransient?: (error: unknown) => boolean,
  ) => {
    const consumer = new EventConsumer(kafka, settings, producer, {
      groupName,
      topics: [TOPICS.riskEvents.name],
      attemptsMax: 3,
      retryDelayMsMin: 10,
      retryDelayMsMax: 50,
      isTransient,
      handle: async (event) => {
        await handle(event);
        return 'applied';
      },
    });
    consumers.push(consumer);
    await consumer.start();
  };

  const send = (key: string, value: Buffer | string) =>
    producer.send([{ topic: TOPICS.riskEvents.name, key, value, headers: {} }]);

  beforeAll(async () => {
    await ensureTopics(kafka, settings, allTopicDefinitions());
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await producer.disconnect();
  });

  it('dead-letters a malformed message with the reason and goes on with the next one', async () => {
    const applied: string[] = [];
    await startConsumer('malformed', (event) => {
      applied.push(event.id);
      return Promise.resolve();
    });
    const good = assessed(1);
    const wrongData = { ...assessed(2), data: { paymentId: 'pay_x' } };
    await send('k1', '{"not": "an envelope"');
    await send('k1', JSON.stringify(wrongData));
    await send('k1', encodeEvent(good));

    await waitFor('the valid event after two malformed ones to be applied', 30_000, () =>
      applied.includes(good.id),
    );
    const dead = await readTopics(testKafka(), [deadLetters()], (messages) => messages.length >= 2, 15_000);
    expect(dead.map((message) => message.headers['dlq-consumer-group'])).toEqual(['malformed', 'malformed']);
    expect(dead[0]?.headers['dlq-reason']).toMatch(/not JSON/);
    expect(dead[1]?.headers['dlq-reason']).toMatch(/data\.paymentId/);
    expect(dead[1]?.value).toBe(JSON.stringify(wrongData));
    expect(applied).toEqual([good.id]);
  });

  it('retries a failing handler a bounded number of times, then dead-letters it', async () => {
    const attempts = new Map<string, number>();
    const poison = assessed(66);
    const after = assessed(67);
    await startConsumer('failing', (event) => {
      attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
      if (event.id === poison.id) return Promise.reject(new Error('handler bug'));
      if (event.id !== after.id) return Promise.reject(new UnprocessableEventError('not for this test'));
      return Promise.resolve();
    });
    await send(poison.aggregateId, encodeEvent(poison));
    await send(poison.aggregateId, encodeEvent(after));

    await waitFor('the event after the poison one to be applied', 30_000, () => attempts.get(after.id) === 1);
    expect(attempts.get(poison.id)).toBe(3);
    const dead = await readTopics(
      testKafka(),
      [deadLetters()],
      (messages) => messages.some((message) => message.value?.includes(poison.id)),
      15_000,
    );
    const mine = dead.find(
      (message) => message.headers['dlq-consumer-group'] === 'failing' && message.value?.includes(poison.id),
    );
    expect(mine?.headers['dlq-attempts']).toBe('3');
    expect(mine?.headers['dlq-reason']).toBe('Error: handler bug');
  });

  it('applies batches in one go and replays a failing batch one by one, dead-lettering only the poison', async () => {
    const batches: number[] = [];
    const applied: string[] = [];
    const events = Array.from({ length: 30 }, (_, index) => assessed(300 + index));
    const poison = events[17];
    if (poison === undefined) throw new Error('no poison event');
    const consumer = new EventConsumer(kafka, settings, producer, {
      groupName: 'batching',
      topics: [TOPICS.riskEvents.name],
      attemptsMax: 2,
      retryDelayMsMin: 10,
      retryDelayMsMax: 20,
      batchSizeMax: 10,
      handleBatch: (batch) => {
        if (batch.some(({ event }) => event.id === poison.id))
          return Promise.reject(new Error('poison in batch'));
        batches.push(batch.length);
        for (const { event } of batch) applied.push(event.id);
        return Promise.resolve();
      },
      handle: (event) => {
        if (event.id === poison.id) return Promise.reject(new Error('poison alone'));
        applied.push(event.id);
        return Promise.resolve('applied');
      },
    });
    consumers.push(consumer);
    // One key: one partition, in order, so the batches are predictable.
    await producer.send(
      events.map((event) => ({
        topic: TOPICS.riskEvents.name,
        key: 'batch-key',
        value: encodeEvent(event),
        headers: {},
      })),
    );
    await consumer.start();

    const expected = events.filter((event) => event.id !== poison.id).map((event) => event.id);
    await waitFor('every event but the poison to be applied', 30_000, () =>
      expected.every((id) => applied.includes(id)),
    );
    expect(applied.filter((id) => expected.includes(id)).length).toBe(expected.length);
    expect(applied).not.toContain(poison.id);
    expect(batches.some((size) => size > 1)).toBe(true);
    const dead = await readTopics(
      testKafka(),
      [deadLetters()],
      (messages) =>
        messages.some(
          (message) =>
            message.headers['dlq-consumer-group'] === 'batching' &&
            message.value?.includes(poison.id) === true,
        ),
      15_000,
    );
    // The group also read the earlier tests' malformed messages; of this test's events, only the poison.
    const mine = dead.filter(
      (message) =>
        message.headers['dlq-consumer-group'] === 'batching' &&
        events.some((event) => message.value?.includes(event.id)),
    );
    expect(mine.map((message) => message.value?.includes(poison.id))).toEqual([true]);
    expect(mine[0]?.headers['dlq-reason']).toBe('Error: poison alone');
  });

  it('keeps retrying a transient failure instead of dead-lettering it', async () => {
    let failuresLeft = 6; // more than attemptsMax
    const event = assessed(77);
    const applied: string[] = [];
    await startConsumer(
      'transient',
      (received) => {
        if (received.id !== event.id) return Promise.resolve();
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        }
        applied.push(received.id);
        return Promise.resolve();
      },
      (error) => (error as { code?: string }).code === 'ECONNREFUSED',
    );
    await send(event.aggregateId, encodeEvent(event));
    await waitFor('the event to be applied once the failure passed', 30_000, () => applied.length === 1);
    expect(failuresLeft).toBe(0);
  });

  it('does not dead-letter an unexplained failure while the infrastructure is down, and applies it once it is back', async () => {
    const event = assessed(88);
    let healthy = false;
    let probes = 0;
    const applied: string[] = [];
    const consumer = new EventConsumer(kafka, settings, producer, {
      groupName: 'unhealthy',
      topics: [TOPICS.riskEvents.name],
      attemptsMax: 2,
      retryDelayMsMin: 10,
      retryDelayMsMax: 50,
      isTransient: () => false,
      isInfrastructureHealthy: () => {
        probes += 1;
        return Promise.resolve(healthy);
      },
      handle: (received) => {
        if (received.id !== event.id) return Promise.resolve('applied');
        // An outage the classifier does not know: it fails until the infrastructure is back.
        if (!healthy) return Promise.reject(new Error('socket hang up'));
        applied.push(received.id);
        return Promise.resolve('applied');
      },
    });
    consumers.push(consumer);
    await consumer.start();
    await send(event.aggregateId, encodeEvent(event));
    await waitFor('the infrastructure to be probed several times', 30_000, () => probes >= 3);
    healthy = true;
    await waitFor(
      'the event to be applied once the infrastructure is back',
      30_000,
      () => applied.length === 1,
    );
    const dead = await readTopics(testKafka(), [deadLetters()], () => false, 3_000);
    expect(
      dead.filter(
        (message) =>
          message.headers['dlq-consumer-group'] === 'unhealthy' && message.value?.includes(event.id),
      ),
    ).toEqual([]);
  });

  it('retries a batch that failed on an outage as a batch, not one by one', async () => {
    const events = Array.from({ length: 12 }, (_, index) => assessed(900 + index));
    let outagesLeft = 3;
    const batchSizes: number[] = [];
    const oneByOne: string[] = [];
    // A namespace of its own: the shared topic holds the earlier tests' malformed messages, and a
    // chunk with one of those goes one by one whatever happened before.
    const isolated: KafkaSettings = { ...settings, namespace: uniqueNamespace('itest-batch-outage') };
    const isolatedKafka = createKafka(isolated);
    await ensureTopics(isolatedKafka, isolated, allTopicDefinitions());
    const isolatedProducer = new EventProducer(isolatedKafka, isolated);
    await isolatedProducer.connect();
    const consumer = new EventConsumer(isolatedKafka, isolated, isolatedProducer, {
      groupName: 'batch-outage',
      topics: [TOPICS.riskEvents.name],
      retryDelayMsMin: 10,
      retryDelayMsMax: 20,
      batchSizeMax: 50,
      isTransient: (error) => (error as { code?: string }).code === '57P01',
      handleBatch: (batch) => {
        if (outagesLeft > 0) {
          outagesLeft -= 1;
          return Promise.reject(Object.assign(new Error('terminating connection'), { code: '57P01' }));
        }
        batchSizes.push(batch.length);
        return Promise.resolve();
      },
      handle: (event) => {
        oneByOne.push(event.id);
        return Promise.resolve('applied');
      },
    });
    consumers.push(consumer);
    await isolatedProducer.send(
      events.map((event) => ({
        topic: TOPICS.riskEvents.name,
        key: 'outage-key',
        value: encodeEvent(event),
        headers: {},
      })),
    );
    await consumer.start();
    await waitFor('the batch to be applied after the outage', 30_000, () =>
      batchSizes.reduce((sum, size) => sum + size, 0) >= events.length ? true : undefined,
    );
    expect(outagesLeft).toBe(0);
    expect(oneByOne).toEqual([]);
    await consumer.stop();
    await isolatedProducer.disconnect();
  });
});
