import type { DataSource } from 'typeorm';
import { TOPICS, reportingGenerationGroupName, type AnyEventEnvelope } from '@platform/contracts';
import {
  EventConsumer,
  UnprocessableEventError,
  type ConsumedEvent,
  type ConsumerLog,
  type EventProducer,
  type KafkaSettings,
} from '@platform/kafka';
import { isTransientInfrastructureError, type KafkaConnection } from '@platform/service-runtime';
import { entryProblem, type LedgerEntryPosted } from '@platform/ledger-projection';
import type { ProjectionStoreRepository } from './projection-store.repository';

/** Entries applied per database transaction: big enough for replay speed, small enough to stay short. */
const ENTRIES_PER_TRANSACTION_MAX = 2_000;
const MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;
const PARTITIONS_CONSUMED_CONCURRENTLY = 3;

export interface GenerationConsumerOptions {
  readonly generation: number;
  readonly schema: string;
  readonly kafka: KafkaConnection['kafka'];
  readonly settings: KafkaSettings;
  readonly producer: EventProducer;
  readonly dataSource: DataSource;
  readonly store: ProjectionStoreRepository;
  readonly log: ConsumerLog;
}

/**
 * Feeds one generation of the projections from ledger.events, from the beginning, with a consumer
 * group of its own, through the platform's one consumer loop. A batch is folded and written in one
 * transaction (the projections are sums, and the checkpoint drops any sequence seen before, so a
 * replay adds nothing); an entry the fold refuses is dead-lettered alone.
 */
export class GenerationConsumer {
  private readonly consumer: EventConsumer;

  constructor(private readonly options: GenerationConsumerOptions) {
    this.consumer = new EventConsumer(options.kafka, options.settings, options.producer, {
      groupName: GenerationConsumer.groupName(options.generation),
      topics: [TOPICS.ledgerEvents.name],
      batchSizeMax: ENTRIES_PER_TRANSACTION_MAX,
      partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
      maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      isTransient: isTransientInfrastructureError,
      log: options.log,
      onStateChange: (state) => {
        if (state === 'joined') {
          options.log('info', `generation ${options.generation} consumer joined ${TOPICS.ledgerEvents.name}`);
        }
      },
      handleBatch: (events) => this.applyBatch(events),
      handle: async (event) => {
        const entry = postedEntry(event);
        if (entry === null) return 'applied';
        const applied = await this.apply([entry]);
        return applied === 0 ? 'duplicate' : 'applied';
      },
    });
  }

  static groupName(generation: number): string {
    return reportingGenerationGroupName(generation);
  }

  /** Starts consuming; resolves once the group is joined. */
  start(): Promise<void> {
    return this.consumer.start();
  }

  /** Starts consuming without waiting for the group: reporting answers HTTP meanwhile. */
  startInBackground(): void {
    this.consumer.startInBackground();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  private async applyBatch(events: readonly ConsumedEvent[]): Promise<void> {
    const entries: LedgerEntryPosted[] = [];
    for (const { event, inSpan } of events) {
      // A span per event keeps reporting in each payment's trace; the write is per batch.
      const entry = await inSpan(() => Promise.resolve(postedEntry(event)));
      if (entry !== null) entries.push(entry);
    }
    await this.apply(entries);
  }

  private apply(entries: readonly LedgerEntryPosted[]): Promise<number> {
    if (entries.length === 0) return Promise.resolve(0);
    return this.options.dataSource.transaction((manager) =>
      this.options.store.apply(manager, this.options.schema, entries),
    );
  }
}

/** The entry a ledger event posts, null for other events; an entry the fold refuses is poison. */
function postedEntry(event: AnyEventEnvelope): LedgerEntryPosted | null {
  if (event.type !== 'ledger.entry_posted') return null;
  const problem = entryProblem(event.data);
  if (problem !== undefined) throw new UnprocessableEventError(problem);
  return event.data;
}
