import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import {
  ContractViolationError,
  deadLetterTopicName,
  decodeEvent,
  type AnyEventEnvelope,
} from '@platform/contracts';
import {
  SpanKind,
  contextFromHeaders,
  eventHandlingSeconds,
  eventsConsumedTotal,
  recordConsumerLag,
  withSpan,
} from '@platform/telemetry';
import type { EventProducer } from './event-producer';
import { groupFor, topicFor, type KafkaSettings } from './kafka-settings';

export interface ConsumedEventContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface ConsumedEvent {
  readonly event: AnyEventEnvelope;
  readonly context: ConsumedEventContext;
  /** Runs the event's share of a batch in its own consumer span, continuing its producer's trace. */
  readonly inSpan: <T>(work: () => Promise<T>) => Promise<T>;
}

/** What a handler reports: a duplicate was recognised and had no effect. */
export type HandlerOutcome = 'applied' | 'duplicate';

/** A handler error that no retry can fix: the message goes to the dead-letter topic at once. */
export class UnprocessableEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableEventError';
  }
}

export interface EventConsumerOptions {
  /** Consumer group name (namespaced here); also the name the idempotency records use. */
  readonly groupName: string;
  /** Logical topic names from the registry. */
  readonly topics: readonly string[];
  readonly handle: (event: AnyEventEnvelope, context: ConsumedEventContext) => Promise<HandlerOutcome>;
  /**
   * Optional: applies several consecutive events of one partition at once (one transaction).
   * If it throws, the events are applied one by one through `handle`, with its retries and
   * dead-lettering, so a batch never makes a poison event take its neighbours down with it.
   */
  readonly handleBatch?: (events: readonly ConsumedEvent[]) => Promise<void>;
  readonly batchSizeMax?: number;
  /** Attempts for an ordinary failure before the message is dead-lettered. */
  readonly attemptsMax?: number;
  readonly retryDelayMsMin?: number;
  readonly retryDelayMsMax?: number;
  readonly sessionTimeoutMs?: number;
  /** Failures of infrastructure (database down): retried without limit, never dead-lettered. */
  readonly isTransient?: (error: unknown) => boolean;
  readonly log?: (level: 'error' | 'warn' | 'info', message: string, extra?: object) => void;
}

const ATTEMPTS_MAX_DEFAULT = 5;

/**
 * Consumes events and commits an offset only after its handler resolved (the handler commits its
 * own effect first). A message that breaks its contract, or keeps failing, goes to `<topic>.dlq`
 * with the reason, and the consumer goes on with the next one.
 */
export class EventConsumer {
  private consumer: Consumer | null = null;
  private readonly attemptsMax: number;
  private readonly retryDelayMsMin: number;
  private readonly retryDelayMsMax: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly deadLetterProducer: EventProducer,
    private readonly options: EventConsumerOptions,
  ) {
    this.attemptsMax = options.attemptsMax ?? ATTEMPTS_MAX_DEFAULT;
    this.retryDelayMsMin = options.retryDelayMsMin ?? 100;
    this.retryDelayMsMax = options.retryDelayMsMax ?? 5_000;
  }

  /** Joins the group and starts consuming; resolves once the consumer has joined. */
  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: groupFor(this.settings, this.options.groupName),
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)),
      maxWaitTimeInMs: 100,
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
    await consumer.subscribe({
      topics: this.options.topics.map((topic) => topicFor(this.settings, topic)),
      fromBeginning: true,
    });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    await joined;
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    if (consumer) await consumer.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const logicalTopic = this.logicalTopic(batch.topic);
    recordConsumerLag(this.options.groupName, logicalTopic, batch.partition, batch.offsetLag());
    const chunkSizeMax = this.options.handleBatch === undefined ? 1 : (this.options.batchSizeMax ?? 100);
    for (let start = 0; start < batch.messages.length; start += chunkSizeMax) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(start, start + chunkSizeMax);
      if (chunk.length > 1 && (await this.tryChunk(logicalTopic, batch.partition, chunk))) {
        const last = chunk[chunk.length - 1];
        if (last !== undefined) payload.resolveOffset(last.offset);
        await payload.heartbeat();
        continue;
      }
      for (const message of chunk) {
        if (!payload.isRunning() || payload.isStale()) return;
        await this.process(logicalTopic, batch.partition, message, payload);
        payload.resolveOffset(message.offset);
        await payload.heartbeat();
      }
    }
    await payload.commitOffsetsIfNecessary();
  }

  /** One attempt at a chunk through handleBatch; false sends it down the one-by-one path. */
  private async tryChunk(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
  ): Promise<boolean> {
    const handleBatch = this.options.handleBatch;
    if (handleBatch === undefined) return false;
    const events: ConsumedEvent[] = [];
    for (const message of messages) {
      try {
        const event = decodeEvent(message.value);
        events.push({
          event,
          context: { topic, partition, offset: message.offset },
          inSpan: (work) => this.inConsumerSpan(topic, event, message, work),
        });
      } catch {
        return false; // The one-by-one path dead-letters it in order.
      }
    }
    const stopTimer = eventHandlingSeconds.startTimer({ topic });
    try {
      await handleBatch(events);
      eventsConsumedTotal.inc({ topic, outcome: 'applied' }, events.length);
      return true;
    } catch (error) {
      this.options.log?.('warn', `a batch of ${events.length} from ${topic} failed; applying one by one`, {
        error: (error as Error).message,
      });
      return false;
    } finally {
      stopTimer();
    }
  }

  private async process(
    topic: string,
    partition: number,
    message: KafkaMessage,
    payload: EachBatchPayload,
  ): Promise<void> {
    let event: AnyEventEnvelope;
    try {
      event = decodeEvent(message.value);
    } catch (error) {
      await this.deadLetter(topic, partition, message, error, 0);
      return;
    }
    const context: ConsumedEventContext = { topic, partition, offset: message.offset };
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const stopTimer = eventHandlingSeconds.startTimer({ topic });
      try {
        const outcome = await this.inConsumerSpan(topic, event, message, () =>
          this.options.handle(event, context),
        );
        stopTimer();
        eventsConsumedTotal.inc({ topic, outcome });
        return;
      } catch (error) {
        stopTimer();
        const transient = this.options.isTransient?.(error) ?? false;
        const permanent = error instanceof UnprocessableEventError || error instanceof ContractViolationError;
        if (permanent || (!transient && attempt >= this.attemptsMax)) {
          await this.deadLetter(topic, partition, message, error, attempt);
          return;
        }
        this.options.log?.('warn', `handling ${event.type} ${event.id} failed, retrying`, {
          attempt,
          transient,
          error: (error as Error).message,
        });
        await this.pauseBeforeRetry(attempt, payload);
        if (!payload.isRunning() || payload.isStale()) {
          // Rebalanced or stopping: leave the offset unresolved so the next owner retries.
          throw new Error(`consumer stopped while retrying ${event.id}`);
        }
      }
    }
  }

  private inConsumerSpan<T>(
    topic: string,
    event: AnyEventEnvelope,
    message: KafkaMessage,
    work: () => Promise<T>,
  ): Promise<T> {
    return withSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        parent: contextFromHeaders(message.headers ?? {}),
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic,
          'messaging.kafka.consumer.group': this.options.groupName,
          'event.type': event.type,
          'event.id': event.id,
        },
      },
      work,
    );
  }

  private async pauseBeforeRetry(attempt: number, payload: EachBatchPayload): Promise<void> {
    const delayMs = Math.min(this.retryDelayMsMax, this.retryDelayMsMin * 2 ** Math.min(attempt - 1, 16));
    const sliceMs = 1_000;
    for (let waitedMs = 0; waitedMs < delayMs; waitedMs += sliceMs) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(sliceMs, delayMs - waitedMs)));
      await payload.heartbeat();
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.options.log?.('error', `dead-lettering a message from ${topic}`, {
      partition,
      offset: message.offset,
      reason,
    });
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(message.headers ?? ({} as IHeaders))) {
      if (typeof value === 'string') headers[key] = value;
      else if (Buffer.isBuffer(value)) headers[key] = value.toString('utf8');
    }
    Object.assign(headers, {
      'dlq-reason': reason.slice(0, 2_000),
      'dlq-source-topic': topic,
      'dlq-source-partition': String(partition),
      'dlq-source-offset': message.offset,
      'dlq-consumer-group': this.options.groupName,
      'dlq-attempts': String(attempts),
      'dlq-failed-at': new Date().toISOString(),
    });
    await this.deadLetterProducer.send([
      {
        topic: deadLetterTopicName(topic),
        key: message.key?.toString('utf8') ?? '',
        value: message.value ?? Buffer.alloc(0),
        headers,
      },
    ]);
    eventsConsumedTotal.inc({ topic, outcome: 'dead_lettered' });
  }

  private logicalTopic(physical: string): string {
    const prefix = this.settings.namespace === '' ? '' : `${this.settings.namespace}.`;
    return physical.startsWith(prefix) ? physical.slice(prefix.length) : physical;
  }
}
