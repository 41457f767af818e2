import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import {
  allTopicDefinitions,
  createEvent,
  decodeEvent,
  encodeEvent,
  topicOf,
  type AnyEventEnvelope,
  type EventData,
  type EventEnvelope,
  type EventType,
  type TopicName,
} from '@platform/contracts';
import { EventProducer, createKafka, ensureTopics, topicFor, type KafkaSettings } from '@platform/kafka';
import { TEST_KAFKA_BROKERS, uniqueNamespace } from './kafka-probe';
import { waitFor } from './wait-for';

/** How long waitForEvent waits unless told otherwise. */
const EVENT_LIMIT_MS = 20_000;

export interface TestNamespaceOptions {
  /** Prefix of the namespace and the client id: "itest-payments". */
  readonly name: string;
  /** Logical topics read from the beginning into `events`, e.g. TOPICS.paymentsEvents.name. */
  readonly read: readonly TopicName[];
  /** How long waitForEvent waits unless its call says; EVENT_LIMIT_MS unless given. */
  readonly eventLimitMs?: number;
}

/** What a test says about an event it sends in a client's or service's place. */
export interface TestEventMetadata {
  readonly aggregateId: string;
  readonly merchantId: string;
  /** 1 unless given: most test messages open their aggregate. */
  readonly aggregateSequence?: number;
}

export type EventOf<T extends EventType> = Extract<AnyEventEnvelope, { type: T }>;

/** An envelope as a client would start a flow: its own correlation, caused by nothing. */
export function testEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  metadata: TestEventMetadata,
): EventEnvelope<T> {
  return createEvent(type, data, {
    aggregateId: metadata.aggregateId,
    aggregateSequence: metadata.aggregateSequence ?? 1,
    merchantId: metadata.merchantId,
    correlationId: randomUUID(),
    causationId: null,
  });
}

/** The physical topics of a namespace among those the broker lists (and none of another's). */
export function topicsOfNamespace(namespace: string, topics: readonly string[]): string[] {
  return topics.filter((topic) => topic.startsWith(`${namespace}.`));
}

/** The nth (from 1) event of a type about an aggregate, in arrival order. */
export function nthEventOf<T extends EventType>(
  events: readonly AnyEventEnvelope[],
  aggregateId: string,
  type: T,
  nth = 1,
): EventOf<T> | undefined {
  const found = events.filter((event) => event.aggregateId === aggregateId && event.type === type);
  return found[nth - 1] as EventOf<T> | undefined;
}

/**
 * A Kafka namespace of a test's own on the real broker, with every platform topic in it: a
 * producer to play clients and services, the events of the topics it reads (decoded, in arrival
 * order), and close() to leave no topic behind. Services under test get `serviceEnv`.
 */
export class TestNamespace {
  readonly events: AnyEventEnvelope[] = [];

  private constructor(
    readonly settings: KafkaSettings,
    readonly producer: EventProducer,
    private readonly reader: Consumer,
    private readonly eventLimitMs: number,
  ) {}

  /** Creates the namespace's topics, connects the producer and starts reading `read`. */
  static async create(options: TestNamespaceOptions): Promise<TestNamespace> {
    const settings: KafkaSettings = {
      brokers: TEST_KAFKA_BROKERS,
      clientId: `${options.name}-test`,
      namespace: uniqueNamespace(options.name),
    };
    const kafka = createKafka(settings);
    await ensureTopics(kafka, settings, allTopicDefinitions());
    const producer = new EventProducer(kafka, settings);
    const reader = kafka.consumer({ groupId: `${settings.namespace}.reader`, maxWaitTimeInMs: 100 });
    const bus = new TestNamespace(settings, producer, reader, options.eventLimitMs ?? EVENT_LIMIT_MS);
    try {
      await producer.connect();
      await reader.connect();
      if (options.read.length > 0) {
        await reader.subscribe({
          topics: options.read.map((topic) => topicFor(settings, topic)),
          fromBeginning: true,
        });
        await reader.run({
          eachMessage: ({ message }) => {
            bus.events.push(decodeEvent(message.value));
            return Promise.resolve();
          },
        });
      }
    } catch (error) {
      // A namespace that did not come up leaves nothing behind; the first failure is the one to see.
      await bus.close().catch(() => undefined);
      throw error;
    }
    return bus;
  }

  get namespace(): string {
    return this.settings.namespace;
  }

  /** The Kafka part of a service's environment: the test's broker, in this namespace. */
  get serviceEnv(): { KAFKA_BROKERS: string; KAFKA_NAMESPACE: string } {
    return { KAFKA_BROKERS: this.settings.brokers.join(','), KAFKA_NAMESPACE: this.namespace };
  }

  /** Sends an envelope (again, perhaps) to its type's topic in the catalogue, keyed by its aggregate. */
  async publish(event: AnyEventEnvelope | EventEnvelope, key: string = event.aggregateId): Promise<void> {
    await this.producer.send([{ topic: topicOf(event.type), key, value: encodeEvent(event), headers: {} }]);
  }

  /** Builds a new envelope (see testEvent), publishes it and returns it. */
  async send<T extends EventType>(
    type: T,
    data: EventData<T>,
    metadata: TestEventMetadata,
  ): Promise<EventEnvelope<T>> {
    const event = testEvent(type, data, metadata);
    await this.publish(event);
    return event;
  }

  /** The events read about an aggregate, in arrival order. */
  eventsOf(aggregateId: string): AnyEventEnvelope[] {
    return this.events.filter((event) => event.aggregateId === aggregateId);
  }

  /** The events read of a type whose data matches, in arrival order. */
  find<T extends EventType>(type: T, matches: (data: EventData<T>) => boolean = () => true): EventOf<T>[] {
    return this.events.filter(
      (event): event is EventOf<T> => event.type === type && matches(event.data as EventData<T>),
    );
  }

  /**
   * Waits until the nth (from 1) event of `type` about the aggregate has been read, and returns it;
   * on timeout the error lists the aggregate's events seen by then.
   */
  async waitForEvent<T extends EventType>(
    aggregateId: string,
    type: T,
    options: { readonly nth?: number; readonly limitMs?: number } = {},
  ): Promise<EventOf<T>> {
    const nth = options.nth ?? 1;
    return waitFor(`${type} #${nth} for ${aggregateId}`, options.limitMs ?? this.eventLimitMs, () =>
      nthEventOf(this.events, aggregateId, type, nth),
    ).catch((error: Error) => {
      const seen = this.eventsOf(aggregateId).map((event) => event.type);
      throw new Error(`${error.message}; events of ${aggregateId}: [${seen.join(', ')}]`);
    });
  }

  /** Disconnects the producer and the reader and deletes the namespace's topics. */
  async close(): Promise<void> {
    await this.reader.disconnect();
    await this.producer.disconnect();
    const admin = createKafka(this.settings).admin();
    await admin.connect();
    try {
      const topics = topicsOfNamespace(this.namespace, await admin.listTopics());
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  }
}
