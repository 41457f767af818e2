import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { TOPICS, deadLetterTopicName, decodeEvent } from '@platform/contracts';
import { isTransientDatabaseError } from '@platform/db';
import { groupFor, topicFor, type EventProducer, type KafkaSettings } from '@platform/kafka';
import {
  SpanKind,
  contextFromHeaders,
  eventsConsumedTotal,
  recordConsumerLag,
  withSpan,
} from '@platform/telemetry';
import { entryProblem, type LedgerEntryPosted } from '../../domain/projection-fold';
import type { ProjectionStoreRepository } from './projection-store.repository';

/** Entries applied per database transaction: big enough for replay speed, small enough to stay short. */
const ENTRIES_PER_TRANSACTION_MAX = 2_000;
const RETRY_DELAY_MS_MAX = 5_000;

export interface GenerationConsumerOptions {
  readonly generation: number;
  readonly schema: string;
  readonly kafka: Kafka;
  readonly settings: KafkaSettings;
  readonly producer: EventProducer;
  readonly dataSource: DataSource;
  readonly store: ProjectionStoreRepository;
  readonly log: (level: 'warn' | 'error' | 'info', message: string) => void;
}

interface Rejected {
  readonly message: KafkaMessage;
  readonly reason: string;
}

/**
 * Feeds one generation of the projections from ledger.events, from the beginning, with a consumer
 * group of its own. A Kafka batch is folded and written in a few transactions (the projections are
 * sums, so batching does not change the result); offsets are committed only after the rows.
 */
export class GenerationConsumer {
  private consumer: Consumer | null = null;

  constructor(private readonly options: GenerationConsumerOptions) {}

  static groupName(generation: number): string {
    return `reporting-g${generation}`;
  }

  async start(): Promise<void> {
    const { kafka, settings, generation } = this.options;
    const consumer = kafka.consumer({
      groupId: groupFor(settings, GenerationConsumer.groupName(generation)),
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 4 * 1024 * 1024,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => {
      const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
        remove();
        resolve();
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topicFor(settings, TOPICS.ledgerEvents.name)], fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      // Decoding one partition's batch overlaps another's write; the checkpoint lock orders the writes.
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    await joined;
    this.options.log('info', `generation ${generation} consumer joined ${TOPICS.ledgerEvents.name}`);
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    if (consumer) await consumer.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    recordConsumerLag(
      GenerationConsumer.groupName(this.options.generation),
      TOPICS.ledgerEvents.name,
      batch.partition,
      batch.offsetLag(),
    );
    for (let start = 0; start < batch.messages.length; start += ENTRIES_PER_TRANSACTION_MAX) {
      if (!payload.isRunning() || payload.isStale()) return;
      const messages = batch.messages.slice(start, start + ENTRIES_PER_TRANSACTION_MAX);
      const entries: LedgerEntryPosted[] = [];
      const rejected: Rejected[] = [];
      for (const message of messages) {
        // A span per message keeps reporting in each payment's trace; the write is per batch.
        await withSpan(
          `${TOPICS.ledgerEvents.name} process`,
          {
            kind: SpanKind.CONSUMER,
            parent: contextFromHeaders(message.headers ?? {}),
            attributes: {
              'messaging.system': 'kafka',
              'messaging.destination.name': TOPICS.ledgerEvents.name,
              'messaging.kafka.consumer.group': GenerationConsumer.groupName(this.options.generation),
            },
          },
          () => {
            this.decode(message, entries, rejected);
            return Promise.resolve();
          },
        );
      }
      await this.applyWithRetry(entries, payload);
      eventsConsumedTotal.inc({ topic: TOPICS.ledgerEvents.name, outcome: 'applied' }, entries.length);
      if (rejected.length > 0) await this.deadLetter(batch.partition, rejected);
      const last = messages.at(-1);
      if (last !== undefined) payload.resolveOffset(last.offset);
      await payload.heartbeat();
    }
    await payload.commitOffsetsIfNecessary();
  }

  private decode(message: KafkaMessage, entries: LedgerEntryPosted[], rejected: Rejected[]): void {
    try {
      const event = decodeEvent(message.value);
      if (event.type !== 'ledger.entry_posted') return;
      const problem = entryProblem(event.data);
      if (problem === undefined) entries.push(event.data);
      else rejected.push({ message, reason: `UnprocessableEventError: ${problem}` });
    } catch (error) {
      rejected.push({
        message,
        reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }

  /** Database outages are retried without limit (nothing is skipped); the offset waits meanwhile. */
  private async applyWithRetry(
    entries: readonly LedgerEntryPosted[],
    payload: EachBatchPayload,
  ): Promise<void> {
    if (entries.length === 0) return;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.options.dataSource.transaction((manager) =>
          this.options.store.apply(manager, this.options.schema, entries),
        );
        return;
      } catch (error) {
        const transient = isTransientDatabaseError(error);
        this.options.log(
          'warn',
          `generation ${this.options.generation}: applying ${entries.length} entries failed (attempt ${attempt}, ${
            transient ? 'transient' : 'unexpected'
          }): ${(error as Error).message}`,
        );
        // Not transient (a schema dropped under us, a bug): let kafkajs restart from the committed offset.
        if (!transient || !payload.isRunning() || payload.isStale()) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_DELAY_MS_MAX, 100 * 2 ** attempt)));
        await payload.heartbeat();
      }
    }
  }

  private async deadLetter(partition: number, rejected: readonly Rejected[]): Promise<void> {
    eventsConsumedTotal.inc({ topic: TOPICS.ledgerEvents.name, outcome: 'dead_lettered' }, rejected.length);
    for (const { reason } of rejected) this.options.log('error', `dead-lettering a ledger event: ${reason}`);
    await this.options.producer.send(
      rejected.map(({ message, reason }) => ({
        topic: deadLetterTopicName(TOPICS.ledgerEvents.name),
        key: message.key?.toString('utf8') ?? '',
        value: message.value ?? Buffer.alloc(0),
        headers: {
          'dlq-reason': reason.slice(0, 2_000),
          'dlq-source-topic': TOPICS.ledgerEvents.name,
          'dlq-source-partition': String(partition),
          'dlq-source-offset': message.offset,
          'dlq-consumer-group': GenerationConsumer.groupName(this.options.generation),
          'dlq-attempts': '1',
          'dlq-failed-at': new Date().toISOString(),
        },
      })),
    );
  }
}
