import { randomUUID } from 'node:crypto';
import { TOPICS, allTopicDefinitions, createEvent, encodeEvent } from '@platform/contracts';
import { readTopics, testKafka, uniqueNamespace, waitFor, TEST_KAFKA_BROKERS } from '@platform/testing';
import { matchesFilter, readDeadLetters, redriveDeadLetters } from './dead-letter-redrive';
import { EventConsumer, UnprocessableEventError } from './event-consumer';
import { EventProducer } from './event-producer';
import { ensureTopics } from './kafka-admin';
import { createKafka, topicFor, type KafkaSettings } from './kafka-settings';

function assessed(number: number) {
  const paymentId = `pay_${String(number).padStart(24, '0')}`;
  return createEvent(
    'risk.assessed',
    { paymentId, decision: 'approve', score: 1, reasons: [] },
    {
      aggregateId: paymentId,
      aggregateSequence: 1,
      merchantId: 'mer_redrivetest0001',
      correlationId: randomUUID(),
      causationId: null,
    },
  );
}

describe('dead-letter redrive against a real broker', () => {
  const settings: KafkaSettings = {
    brokers: TEST_KAFKA_BROKERS,
    clientId: 'redrive-test',
    namespace: uniqueNamespace('itest-redrive'),
  };
  const kafka = createKafka(settings);
  const producer = new EventProducer(kafka, settings);
  const consumers: EventConsumer[] = [];

  beforeAll(async () => {
    await ensureTopics(kafka, settings, allTopicDefinitions());
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await producer.disconnect();
  });

  it('sends a letter its consumer refused back, and the fixed consumer applies it once', async () => {
    const refused = assessed(1);
    const other = assessed(2);
    let fixed = false;
    const applied: string[] = [];
    const consumer = new EventConsumer(kafka, settings, producer, {
      groupName: 'redrive-target',
      topics: [TOPICS.riskEvents.name],
      retryDelayMsMin: 10,
      retryDelayMsMax: 20,
      handle: (event) => {
        if (!fixed && event.id === refused.id) throw new UnprocessableEventError('not yet understood');
        if (applied.includes(event.id)) return Promise.resolve('duplicate');
        applied.push(event.id);
        return Promise.resolve('applied');
      },
    });
    consumers.push(consumer);
    await consumer.start();
    for (const event of [refused, other]) {
      await producer.send([
        { topic: TOPICS.riskEvents.name, key: event.aggregateId, value: encodeEvent(event), headers: {} },
      ]);
    }
    await waitFor('the other event to be applied', 30_000, () => applied.includes(other.id));

    const dlq = `${TOPICS.riskEvents.name}.dlq`;
    const letters = await waitFor('the refused event in the dead-letter topic', 30_000, async () => {
      const read = await readDeadLetters(kafka, settings, dlq);
      return read.length === 1 ? read : undefined;
    });
    const [letter] = letters;
    expect(letter).toMatchObject({
      eventId: refused.id,
      eventType: 'risk.assessed',
      consumerGroup: 'redrive-target',
      sourceTopic: TOPICS.riskEvents.name,
      reason: 'UnprocessableEventError: not yet understood',
    });
    expect(letters.filter((item) => matchesFilter(item, { consumerGroup: 'someone-else' }))).toEqual([]);

    const dry = await redriveDeadLetters(producer, letters, { operator: 'tester', dryRun: true });
    expect(dry).toEqual([expect.objectContaining({ eventId: refused.id, dryRun: true, operator: 'tester' })]);
    fixed = true;
    const records = await redriveDeadLetters(producer, letters, { operator: 'tester', dryRun: false });
    expect(records).toEqual([
      expect.objectContaining({ eventId: refused.id, to: TOPICS.riskEvents.name, dryRun: false }),
    ]);
    await waitFor('the redriven event to be applied', 30_000, () => applied.includes(refused.id));
    expect(applied.filter((id) => id === refused.id)).toHaveLength(1);

    const source = await readTopics(
      testKafka(),
      [topicFor(settings, TOPICS.riskEvents.name)],
      (messages) => messages.length >= 3,
      15_000,
    );
    // Exactly once on the source topic again (the dry run sent nothing), with who and where from.
    const resent = source.filter((message) => message.headers['redriven-by'] !== undefined);
    expect(resent).toHaveLength(1);
    expect(resent[0]?.key).toBe(refused.aggregateId);
    expect(resent[0]?.headers['redriven-from']).toBe(`${dlq}/0/${letter?.offset}`);
    expect(Object.keys(resent[0]?.headers ?? {}).some((name) => name.startsWith('dlq-'))).toBe(false);
  });
});
