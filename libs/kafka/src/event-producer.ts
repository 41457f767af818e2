import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { eventsPublishedTotal } from '@platform/telemetry';
import { topicFor, type KafkaSettings } from './kafka-settings';

export interface OutgoingMessage {
  /** Logical topic name from the registry; the namespace is applied here. */
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer | string;
  readonly headers: Record<string, string>;
}

/**
 * Idempotent producer with one request in flight. kafkajs can reorder or drop concurrent sends
 * from an idempotent producer, so callers await each send and sends are serialised here too.
 */
export class EventProducer {
  private readonly producer: Producer;
  private queue: Promise<unknown> = Promise.resolve();
  private connecting: Promise<void> | null = null;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly settings: KafkaSettings,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Connects once; a failed attempt (broker away) is tried again by the next call or send. */
  async connect(): Promise<void> {
    if (this.connected) return;
    this.connecting ??= this.producer.connect().then(
      () => {
        this.connected = true;
        this.connecting = null;
      },
      (error: unknown) => {
        this.connecting = null;
        throw error;
      },
    );
    await this.connecting;
  }

  async disconnect(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    if (!this.connected) return;
    this.connected = false;
    await this.queue.catch(() => undefined);
    await this.producer.disconnect();
  }

  /** Sends messages in order (per partition) in one request; resolves once all are acknowledged. */
  send(messages: readonly OutgoingMessage[]): Promise<void> {
    const run = this.queue.catch(() => undefined).then(() => this.sendNow(messages));
    this.queue = run;
    return run;
  }

  private async sendNow(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    const byTopic = new Map<
      string,
      { key: string; value: Buffer | string; headers: Record<string, string> }[]
    >();
    for (const message of messages) {
      const topic = topicFor(this.settings, message.topic);
      const list = byTopic.get(topic) ?? [];
      list.push({ key: message.key, value: message.value, headers: message.headers });
      byTopic.set(topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages })),
    });
    for (const [topic, topicMessages] of byTopic) eventsPublishedTotal.inc({ topic }, topicMessages.length);
  }
}
