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
  forgetConsumerLag,
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

/** Where a consumer stands: HTTP answers while it joins, and /health tells which. */
export type ConsumerState = 'idle' | 'joining' | 'joined' | 'stopped';

export type ConsumerLog = (level: 'error' | 'warn' | 'info', message: string, extra?: object) => void;

export interface EventConsumerOptions {
  /** Consumer group name (namespaced here); also the name the idempotency records use. */
  readonly groupName: string;
  /** Logical topic names from the registry. */
  readonly topics: readonly string[];
  readonly handle: (event: AnyEventEnvelope, context: ConsumedEventContext) => Promise<HandlerOutcome>;
  /**
   * Optional: applies several consecutive events of one partition at once (one transaction).
   * If it fails on an infrastructure error the batch is retried as it is; on anything else the
   * events are applied one by one through `handle`, with its retries and dead-lettering, so a
   * poison event never takes its neighbours down with it.
   */
  readonly handleBatch?: (events: readonly ConsumedEvent[]) => Promise<void>;
  readonly batchSizeMax?: number;
  /** Partitions whose batches are applied at the same time (order stays per partition). */
  readonly partitionsConsumedConcurrently?: number;
  /** Attempts for a failure that is neither an outage nor a refusal before it is dead-lettered. */
  readonly attemptsMax?: number;
  readonly retryDelayMsMin?: number;
  readonly retryDelayMsMax?: number;
  readonly sessionTimeoutMs?: number;
  /** How long a fetch waits on the broker for data: it answers as soon as data arrives. */
  readonly maxWaitTimeMs?: number;
  readonly maxBytesPerPartition?: number;
  /** Failures of infrastructure (database down, broker gone): retried without limit, never dead-lettered. */
  readonly isTransient?: (error: unknown) => boolean;
  /**
   * Asked before an unexplained failure is dead-lettered: when the infrastructure is not healthy
   * (the database does not answer), the failure is an outage in disguise and is retried instead.
   */
  readonly isInfrastructureHealthy?: () => Promise<boolean>;
  readonly log?: ConsumerLog;
  readonly onStateChange?: (state: ConsumerState) => void;
}

const ATTEMPTS_MAX_DEFAULT = 5;
const BATCH_SIZE_MAX_DEFAULT = 100;
const SESSION_TIMEOUT_MS_DEFAULT = 10_000;
// A fetch answers as soon as data arrives; the wait only sets how often an idle consumer asks
// (and heartbeats, which kafkajs sends between fetches): well inside the session timeout.
const MAX_WAIT_TIME_MS_DEFAULT = 3_000;
const RELAUNCH_DELAY_MS_MIN = 250;
const RELAUNCH_DELAY_MS_MAX = 5_000;
/** A retried failure is logged on its first attempts, then every this many. */
const RETRY_LOG_EVERY = 10;

/**
 * Consumes events and commits an offset only after its handler resolved (the handler commits its
 * own effect first). A message that breaks its contract, or that the handler refuses, goes to
 * `<topic>.dlq` with the reason and the consumer goes on; an outage is waited out, however long.
 * The consumer restarts itself after any crash, including those kafkajs gives up on.
 */
export class EventConsumer {
  private consumer: Consumer | null = null;
  private state: ConsumerState = 'idle';
  private stopping = false;
  private relaunchTimer: NodeJS.Timeout | null = null;
  private relaunchAttempt = 0;
  private readonly joinWaiters: (() => void)[] = [];
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

  get currentState(): ConsumerState {
    return this.state;
  }

  get groupName(): string {
    return this.options.groupName;
  }

  /** Joins the group and starts consuming; resolves once the consumer has joined. */
  async start(): Promise<void> {
    if (this.state === 'stopped') this.state = 'idle';
    this.startInBackground();
    await this.joined();
  }

  /** Starts consuming without waiting for the group: a service answers HTTP meanwhile. */
  startInBackground(): void {
    if (this.state !== 'idle') return;
    this.stopping = false;
    this.setState('joining');
    this.launch();
  }

  /** Resolves the next time the consumer has joined its group (at once if it has). */
  joined(): Promise<void> {
    if (this.state === 'joined') return Promise.resolve();
    return new Promise((resolve) => this.joinWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.relaunchTimer !== null) clearTimeout(this.relaunchTimer);
    this.relaunchTimer = null;
    const consumer = this.consumer;
    this.consumer = null;
    // Disconnecting leaves the group, so the others take the partitions over at once.
    if (consumer) await consumer.disconnect().catch(() => undefined);
    this.setState('stopped');
  }

  private setState(state: ConsumerState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onStateChange?.(state);
    // A stopped consumer will not join: whoever waited for it goes on.
    if (state === 'joined' || state === 'stopped')
      for (const resolve of this.joinWaiters.splice(0)) resolve();
  }

  private launch(): void {
    const sessionTimeoutMs = this.options.sessionTimeoutMs ?? SESSION_TIMEOUT_MS_DEFAULT;
    const consumer = this.kafka.consumer({
      groupId: groupFor(this.settings, this.options.groupName),
      allowAutoTopicCreation: false,
      sessionTimeout: sessionTimeoutMs,
      rebalanceTimeout: Math.max(sessionTimeoutMs, 10_000),
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeoutMs / 10)),
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? MAX_WAIT_TIME_MS_DEFAULT,
      ...(this.options.maxBytesPerPartition === undefined
        ? {}
        : { maxBytesPerPartition: this.options.maxBytesPerPartition }),
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.consumer !== consumer) return;
      this.relaunchAttempt = 0;
      this.setState('joined');
    });
    consumer.on(consumer.events.REBALANCING, () => {
      forgetConsumerLag(this.options.groupName);
      if (this.consumer === consumer && !this.stopping) this.setState('joining');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer !== consumer || this.stopping) return;
      this.setState('joining');
      // kafkajs restarts only after errors it deems retriable; a lost group coordinator after a
      // broker restart is not one of them, and without this the consumer would stay dead.
      if (!payload.restart) this.relaunch(consumer, payload.error);
    });
    const run = async () => {
      await consumer.connect();
      await consumer.subscribe({
        topics: this.options.topics.map((topic) => topicFor(this.settings, topic)),
        fromBeginning: true,
      });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.eachBatch(payload),
      });
    };
    run().catch((error: unknown) => this.relaunch(consumer, error));
  }

  private relaunch(consumer: Consumer, error: unknown): void {
    if (this.stopping || this.consumer !== consumer) return;
    this.consumer = null;
    this.relaunchAttempt += 1;
    const delayMs = Math.min(RELAUNCH_DELAY_MS_MAX, RELAUNCH_DELAY_MS_MIN * 2 ** (this.relaunchAttempt - 1));
    this.options.log?.(
      'warn',
      `consumer ${this.options.groupName} stopped; starting again in ${delayMs} ms`,
      {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      },
    );
    void consumer.disconnect().catch(() => undefined);
    this.relaunchTimer = setTimeout(() => {
      this.relaunchTimer = null;
      if (!this.stopping) this.launch();
    }, delayMs);
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const logicalTopic = this.logicalTopic(batch.topic);
    recordConsumerLag(this.options.groupName, logicalTopic, batch.partition, batch.offsetLag());
    const chunkSizeMax =
      this.options.handleBatch === undefined ? 1 : (this.options.batchSizeMax ?? BATCH_SIZE_MAX_DEFAULT);
    for (let start = 0; start < batch.messages.length; start += chunkSizeMax) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(start, start + chunkSizeMax);
      if (chunk.length > 1 && (await this.tryChunk(logicalTopic, batch.partition, chunk, payload))) {
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

  /**
   * A chunk through handleBatch: retried as a whole while the infrastructure fails; false sends it
   * down the one-by-one path (a message that does not decode, or a failure of the batch's content).
   */
  private async tryChunk(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    payload: EachBatchPayload,
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
    for (let attempt = 1; ; attempt += 1) {
      const stopTimer = eventHandlingSeconds.startTimer({ topic });
      try {
        await handleBatch(events);
        eventsConsumedTotal.inc({ topic, outcome: 'applied' }, events.length);
        return true;
      } catch (error) {
        if (!(this.options.isTransient?.(error) ?? false)) {
          this.options.log?.(
            'warn',
            `a batch of ${events.length} from ${topic} failed; applying one by one`,
            {
              error: describe(error),
            },
          );
          return false;
        }
        this.logRetry(
          attempt,
          `a batch of ${events.length} from ${topic} waits for the infrastructure`,
          error,
        );
        await this.pauseBeforeRetry(attempt, payload);
        this.throwIfNoLongerOwned(payload, `a batch at offset ${messages[0]?.offset ?? '?'}`);
      } finally {
        stopTimer();
      }
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
    let unexplainedFailures = 0;
    for (let attempt = 1; ; attempt += 1) {
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
        if (error instanceof UnprocessableEventError || error instanceof ContractViolationError) {
          await this.deadLetter(topic, partition, message, error, attempt);
          return;
        }
        const transient = this.options.isTransient?.(error) ?? false;
        if (!transient) unexplainedFailures += 1;
        if (!transient && unexplainedFailures >= this.attemptsMax) {
          if (await this.infrastructureHealthy()) {
            await this.deadLetter(topic, partition, message, error, attempt);
            return;
          }
          this.logRetry(attempt, `${event.type} ${event.id} failed while the infrastructure is down`, error);
        } else {
          this.logRetry(attempt, `handling ${event.type} ${event.id} failed, retrying`, error, { transient });
        }
        await this.pauseBeforeRetry(attempt, payload);
        this.throwIfNoLongerOwned(payload, event.id);
      }
    }
  }

  private async infrastructureHealthy(): Promise<boolean> {
    const probe = this.options.isInfrastructureHealthy;
    if (probe === undefined) return true;
    try {
      return await probe();
    } catch {
      return false;
    }
  }

  /** Rebalanced or stopping: leave the offset unresolved so the next owner retries. */
  private throwIfNoLongerOwned(payload: EachBatchPayload, what: string): void {
    if (!payload.isRunning() || payload.isStale()) {
      throw new Error(`consumer ${this.options.groupName} stopped while retrying ${what}`);
    }
  }

  private logRetry(attempt: number, message: string, error: unknown, extra: object = {}): void {
    if (attempt > 3 && attempt % RETRY_LOG_EVERY !== 0) return;
    this.options.log?.('warn', message, { attempt, error: describe(error), ...extra });
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
    const reason = describe(error);
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

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
