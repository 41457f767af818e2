import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  TOPICS,
  allTopicDefinitions,
  createEvent,
  decodeEvent,
  type EventEnvelope,
} from '@platform/contracts';
import { EventProducer, createKafka, ensureTopics, topicFor, type KafkaSettings } from '@platform/kafka';
import {
  createScratchDatabase,
  readTopics,
  testKafka,
  uniqueNamespace,
  waitFor,
  TEST_KAFKA_BROKERS,
  type ScratchDatabase,
} from '@platform/testing';
import { createDataSource, runMigrations } from './data-source';
import { PLATFORM_MIGRATIONS } from './migrations';
import { appendToOutbox } from './outbox-writer';
import { OutboxRelay } from './outbox-relay';

function assessed(paymentNumber: number): EventEnvelope<'risk.assessed'> {
  const paymentId = `pay_${String(paymentNumber).padStart(24, '0')}`;
  return createEvent(
    'risk.assessed',
    { paymentId, decision: 'approve', score: 1, reasons: [] },
    {
      aggregateId: paymentId,
      aggregateSequence: 1,
      merchantId: 'mer_outboxtest01',
      correlationId: randomUUID(),
      causationId: null,
    },
  );
}

describe('outbox relay against real Postgres and Kafka', () => {
  let database: ScratchDatabase;
  let dataSource: DataSource;
  let settings: KafkaSettings;
  let producer: EventProducer;
  let relay: OutboxRelay;
  const kafka = testKafka();
  const topic = () => topicFor(settings, TOPICS.riskEvents.name);

  const readEventIds = async (expected: number, limitMs: number) =>
    (await readTopics(kafka, [topic()], (messages) => messages.length > expected, limitMs)).map(
      (message) => decodeEvent(Buffer.from(message.value ?? '')).id,
    );

  beforeAll(async () => {
    database = await createScratchDatabase('itest_outbox');
    dataSource = createDataSource({
      url: database.url,
      poolSize: 4,
      applicationName: 'outbox-test',
      entities: [],
      migrations: PLATFORM_MIGRATIONS,
    });
    await dataSource.initialize();
    await runMigrations(dataSource);
    settings = {
      brokers: TEST_KAFKA_BROKERS,
      clientId: 'outbox-test',
      namespace: uniqueNamespace('itest-outbox'),
    };
    const platformKafka = createKafka(settings);
    await ensureTopics(platformKafka, settings, allTopicDefinitions());
    producer = new EventProducer(platformKafka, settings);
    await producer.connect();
    relay = new OutboxRelay(dataSource, producer, { databaseUrl: database.url, pollIntervalMs: 200 });
  });

  afterAll(async () => {
    await relay.stop();
    await producer.disconnect();
    await dataSource.destroy();
    await database.drop();
  });

  it('publishes each committed event exactly once, and nothing from a rolled-back transaction', async () => {
    const events = Array.from({ length: 25 }, (_, index) => assessed(index));
    await dataSource.transaction((manager) => appendToOutbox(manager, events.slice(0, 20)));
    await dataSource
      .transaction(async (manager) => {
        await appendToOutbox(manager, [assessed(999)]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await dataSource.transaction((manager) => appendToOutbox(manager, events.slice(20)));
    relay.start();

    await waitFor('every outbox row to be marked published', 20_000, async () => {
      const [row] = await dataSource.query(
        'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
      );
      return row?.n === 0;
    });
    expect(await relay.relayOnce()).toBe(0);

    // Read past the expected count: a duplicate would show up as a 26th message.
    const ids = await readEventIds(events.length, 3_000);
    expect(ids.sort()).toEqual(events.map((event) => event.id).sort());
  });

  it('publishes a row whose transaction commits after a later one was published', async () => {
    const early = assessed(500);
    const late = assessed(501);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await appendToOutbox(runner.manager, [early]); // takes the lower id, commits last
    await dataSource.transaction((manager) => appendToOutbox(manager, [late]));

    await waitFor('the later transaction to be published', 10_000, async () => {
      const rows = await dataSource.query('SELECT published_at FROM outbox WHERE event_id = $1', [late.id]);
      return rows[0]?.published_at != null;
    });
    await runner.commitTransaction();
    await runner.release();

    await waitFor('the early transaction to be published too', 10_000, async () => {
      const ids = await readEventIds(27, 1_000);
      return ids.includes(early.id) && ids.includes(late.id);
    });
  });
});
