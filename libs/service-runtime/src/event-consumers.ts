import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AnyEventEnvelope, TopicDefinition } from '@platform/contracts';
import { isTransientDatabaseError, markEventProcessed } from '@platform/db';
import {
  EventConsumer,
  isTransientKafkaError,
  type ConsumedEvent,
  type ConsumedEventContext,
  type ConsumerState,
} from '@platform/kafka';
import { KafkaConnection } from './kafka-connection';
import { PLATFORM_OPTIONS, type PlatformOptions } from './platform-options';

export interface EventSubscription {
  /** Consumer group and idempotency-record name, e.g. 'ledger'. */
  readonly groupName: string;
  readonly topics: readonly TopicDefinition[];
  /**
   * Applies one event inside the transaction that also records its id; events this consumer
   * does not care about are simply ignored. Throw UnprocessableEventError for a poison event.
   */
  readonly handle: (
    event: AnyEventEnvelope,
    manager: EntityManager,
    context: ConsumedEventContext,
  ) => Promise<void>;
  readonly attemptsMax?: number;
  /**
   * Apply up to this many consecutive events of a partition in one transaction (throughput; 100
   * unless set); a failure other than an outage replays them one by one. Handlers share the
   * transaction with the batch's other events; 1 applies every event in a transaction of its own.
   */
  readonly batchSizeMax?: number;
  /** Partitions applied at the same time (order stays per partition); 3 unless set. */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Optional, with batchSizeMax: applies a batch at once (set-based) instead of `handle` per event.
   * It gets the events not applied before, first copy of each, in order, inside the transaction
   * that records their ids. If it throws, the batch rolls back and is replayed one by one.
   */
  readonly handleBatch?: (events: readonly ConsumedEvent[], manager: EntityManager) => Promise<void>;
}

const BATCH_SIZE_MAX_DEFAULT = 100;
const PARTITIONS_CONSUMED_CONCURRENTLY_DEFAULT = 3;
const INFRASTRUCTURE_PROBE_TIMEOUT_MS = 2_000;

/** An outage of the database or the broker: waited out by every consumer, never dead-lettered. */
export function isTransientInfrastructureError(error: unknown): boolean {
  return isTransientDatabaseError(error) || isTransientKafkaError(error);
}

/**
 * Starts idempotent consumers: effect, processed-event record and outbox rows commit together.
 * Consumers join their groups in the background, so the service answers HTTP meanwhile.
 */
@Injectable()
export class EventConsumers implements BeforeApplicationShutdown {
  private readonly consumers: EventConsumer[] = [];
  private readonly logger = new Logger('EventConsumers');

  constructor(
    private readonly connection: KafkaConnection,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
  ) {}

  /** Starts consuming in the background; resolves at once (see `joined` and `states`). */
  start(subscription: EventSubscription): Promise<void> {
    const batchSizeMax = subscription.batchSizeMax ?? BATCH_SIZE_MAX_DEFAULT;
    const consumer = new EventConsumer(
      this.connection.kafka,
      this.connection.settings,
      this.connection.producer,
      {
        groupName: subscription.groupName,
        topics: subscription.topics.map((topic) => topic.name),
        attemptsMax: subscription.attemptsMax,
        sessionTimeoutMs: this.options.env.KAFKA_SESSION_TIMEOUT_MS,
        partitionsConsumedConcurrently:
          subscription.partitionsConsumedConcurrently ?? PARTITIONS_CONSUMED_CONCURRENTLY_DEFAULT,
        isTransient: isTransientInfrastructureError,
        isInfrastructureHealthy: () => this.databaseAnswers(),
        log: (level, message, extra) => {
          const line = extra === undefined ? message : `${message} ${JSON.stringify(extra)}`;
          if (level === 'error') this.logger.error(line);
          else if (level === 'warn') this.logger.warn(line);
          else this.logger.log(line);
        },
        onStateChange: (state) => {
          if (state === 'joined') this.logger.log(`consumer ${subscription.groupName} joined`);
        },
        handle: (event, context) =>
          this.dataSource.transaction(async (manager) => {
            const first = await markEventProcessed(manager, subscription.groupName, event.id);
            if (!first) return 'duplicate';
            await subscription.handle(event, manager, context);
            return 'applied';
          }),
        ...(batchSizeMax <= 1
          ? {}
          : {
              batchSizeMax,
              handleBatch: (events: readonly ConsumedEvent[]) =>
                this.dataSource.transaction(async (manager) => {
                  const fresh = await markBatchProcessed(manager, subscription.groupName, events);
                  if (subscription.handleBatch !== undefined) {
                    await subscription.handleBatch(fresh, manager);
                    return;
                  }
                  for (const { event, context, inSpan } of fresh) {
                    await inSpan(() => subscription.handle(event, manager, context));
                  }
                }),
            }),
      },
    );
    this.consumers.push(consumer);
    consumer.startInBackground();
    return Promise.resolve();
  }

  /** Each consumer group and where it stands (joining while the service starts or rebalances). */
  states(): Record<string, ConsumerState> {
    return Object.fromEntries(this.consumers.map((consumer) => [consumer.groupName, consumer.currentState]));
  }

  /** Resolves once every consumer started so far has joined its group (tests, start-up scripts). */
  async joined(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.joined()));
  }

  private async databaseAnswers(): Promise<boolean> {
    try {
      await this.dataSource.query(
        `SET LOCAL statement_timeout = ${INFRASTRUCTURE_PROBE_TIMEOUT_MS}; SELECT 1`,
      );
      return true;
    } catch {
      return false;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }
}

/**
 * markEventProcessed for a whole batch in one round trip. Returns the events recorded now, the
 * first copy of each (a producer retry can put one event twice in a batch), in batch order.
 */
async function markBatchProcessed(
  manager: EntityManager,
  consumer: string,
  events: readonly ConsumedEvent[],
): Promise<ConsumedEvent[]> {
  const rows = await manager.query<{ event_id: string }[]>(
    `INSERT INTO processed_events (consumer, event_id) SELECT $1, id FROM unnest($2::uuid[]) AS e(id)
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, [...new Set(events.map(({ event }) => event.id.toLowerCase()))]],
  );
  const recorded = new Set(rows.map((row) => row.event_id));
  // Deleting on first sight keeps only the first copy of an id recorded now.
  return events.filter(({ event }) => recorded.delete(event.id.toLowerCase()));
}
