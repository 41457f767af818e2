import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AnyEventEnvelope, TopicDefinition } from '@platform/contracts';
import { isTransientDatabaseError, markEventProcessed } from '@platform/db';
import { EventConsumer, type ConsumedEvent, type ConsumedEventContext } from '@platform/kafka';
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
   * Apply up to this many consecutive events of a partition in one transaction (throughput);
   * any failure replays them one by one. Handlers must tolerate sharing a transaction.
   */
  readonly batchSizeMax?: number;
  /**
   * Optional, with batchSizeMax: applies a batch at once (set-based) instead of `handle` per event.
   * It gets the events not applied before, first copy of each, in order, inside the transaction
   * that records their ids. If it throws, the batch rolls back and is replayed one by one.
   */
  readonly handleBatch?: (events: readonly ConsumedEvent[], manager: EntityManager) => Promise<void>;
}

/** Starts idempotent consumers: effect, processed-event record and outbox rows commit together. */
@Injectable()
export class EventConsumers implements BeforeApplicationShutdown {
  private readonly consumers: EventConsumer[] = [];
  private readonly logger = new Logger('EventConsumers');

  constructor(
    private readonly connection: KafkaConnection,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
  ) {}

  async start(subscription: EventSubscription): Promise<void> {
    const consumer = new EventConsumer(
      this.connection.kafka,
      this.connection.settings,
      this.connection.producer,
      {
        groupName: subscription.groupName,
        topics: subscription.topics.map((topic) => topic.name),
        attemptsMax: subscription.attemptsMax,
        sessionTimeoutMs: this.options.env.KAFKA_SESSION_TIMEOUT_MS,
        isTransient: isTransientDatabaseError,
        log: (level, message, extra) => {
          const line = extra === undefined ? message : `${message} ${JSON.stringify(extra)}`;
          if (level === 'error') this.logger.error(line);
          else if (level === 'warn') this.logger.warn(line);
          else this.logger.log(line);
        },
        handle: (event, context) =>
          this.dataSource.transaction(async (manager) => {
            const first = await markEventProcessed(manager, subscription.groupName, event.id);
            if (!first) return 'duplicate';
            await subscription.handle(event, manager, context);
            return 'applied';
          }),
        ...(subscription.batchSizeMax === undefined
          ? {}
          : {
              batchSizeMax: subscription.batchSizeMax,
              handleBatch: (events: readonly ConsumedEvent[]) =>
                this.dataSource.transaction(async (manager) => {
                  if (subscription.handleBatch !== undefined) {
                    const fresh = await markBatchProcessed(manager, subscription.groupName, events);
                    await subscription.handleBatch(fresh, manager);
                    return;
                  }
                  for (const { event, context, inSpan } of events) {
                    if (await markEventProcessed(manager, subscription.groupName, event.id)) {
                      await inSpan(() => subscription.handle(event, manager, context));
                    }
                  }
                }),
            }),
      },
    );
    this.consumers.push(consumer);
    await consumer.start();
    this.logger.log(
      `consumer ${subscription.groupName} joined ${subscription.topics.map((t) => t.name).join(', ')}`,
    );
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
