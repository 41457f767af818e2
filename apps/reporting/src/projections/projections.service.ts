import { randomUUID } from 'node:crypto';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TOPICS, createEvent, encodeEvent } from '@platform/contracts';
import { topicFor } from '@platform/kafka';
import { KafkaConnection } from '@platform/service-runtime';
import { currentTraceHeaders } from '@platform/telemetry';
import {
  caughtUp,
  keepWindow,
  progressOf,
  type ProgressSample,
  type RebuildProgress,
} from '../domain/rebuild-progress';
import { GenerationConsumer } from './generations/generation-consumer';
import { generationSchema } from './generations/generation-schema';
import { GenerationRepository, type Generation } from './generations/generation.repository';
import { ProjectionStoreRepository, type Checkpoint } from './generations/projection-store.repository';

const MONITOR_INTERVAL_MS = 500;
/** A rebuild whose contiguous sequence does not move for this long asks the ledger to republish. */
const STALL_BEFORE_REPUBLISH_MS = 10_000;
const REPUBLISH_INTERVAL_MS_MIN = 30_000;

export interface RebuildState {
  generation: number;
  state: 'building' | 'completed';
  startedAt: Date;
  completedAt: Date | null;
  samples: ProgressSample[];
  eventsTotal: bigint;
  republishRequests: { fromSequence: string; toSequence: string | null; at: Date }[];
  lastMoveAtMs: number;
  lastContiguous: bigint;
  lastRepublishAtMs: number;
}

export interface ProjectionsStatus {
  readonly activeGeneration: number | null;
  readonly generations: readonly (Generation & { checkpoint: Checkpoint | null })[];
  readonly rebuild:
    | (Omit<
        RebuildState,
        'samples' | 'eventsTotal' | 'lastMoveAtMs' | 'lastContiguous' | 'lastRepublishAtMs'
      > &
        RebuildProgress)
    | null;
}

/**
 * Runs a consumer for every generation that exists (active, building, and the retired one kept
 * for rollback), and the rebuild: a new generation replays ledger.events from the beginning with
 * its own group and is swapped in once it has caught up with the live one.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumers = new Map<number, GenerationConsumer>();
  private readonly logger = new Logger('Projections');
  private rebuild: RebuildState | null = null;
  private monitor: NodeJS.Timeout | null = null;
  private monitoring = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connection: KafkaConnection,
    private readonly generations: GenerationRepository,
    private readonly store: ProjectionStoreRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.generations.active()) === undefined) {
      const first = await this.generations.create();
      if (first !== undefined) await this.requestRepublishIfTruncated(first.generation, null);
    }
    for (const generation of await this.generations.list()) {
      if (generation.status === 'dropped') continue;
      await this.startConsumer(generation.generation);
      if (generation.status === 'building') this.track(generation.generation, generation.createdAt);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.monitor !== null) clearInterval(this.monitor);
    await Promise.all([...this.consumers.values()].map((consumer) => consumer.stop()));
    this.consumers.clear();
  }

  /** Starts a rebuild; undefined when one is already running. */
  async startRebuild(): Promise<number | undefined> {
    if ((await this.generations.building()) !== undefined) return undefined;
    // The retired generation is dropped by create(): stop feeding it first.
    for (const generation of await this.generations.list()) {
      if (generation.status !== 'retired') continue;
      await this.consumers.get(generation.generation)?.stop();
      this.consumers.delete(generation.generation);
    }
    const created = await this.generations.create();
    if (created === undefined) return undefined;
    this.track(created.generation, created.createdAt);
    await this.startConsumer(created.generation);
    const live = await this.generations.active();
    const liveCheckpoint = live === undefined ? null : await this.checkpointOf(live.generation);
    await this.requestRepublishIfTruncated(created.generation, liveCheckpoint?.lastSequence ?? null);
    return created.generation;
  }

  /** Puts the retired generation back in place of the active one. */
  async rollback(): Promise<number | undefined> {
    if ((await this.generations.building()) !== undefined) return undefined;
    return this.generations.rollback();
  }

  async status(): Promise<ProjectionsStatus> {
    const generations = await this.generations.list();
    const withCheckpoints = await Promise.all(
      generations.map(async (generation) => ({
        ...generation,
        checkpoint: generation.status === 'dropped' ? null : await this.checkpointOf(generation.generation),
      })),
    );
    const rebuild = this.rebuild;
    return {
      activeGeneration: generations.find((g) => g.status === 'active')?.generation ?? null,
      generations: withCheckpoints,
      rebuild:
        rebuild === null
          ? null
          : {
              generation: rebuild.generation,
              state: rebuild.state,
              startedAt: rebuild.startedAt,
              completedAt: rebuild.completedAt,
              republishRequests: rebuild.republishRequests,
              ...progressOf(rebuild.samples, rebuild.eventsTotal),
            },
    };
  }

  async checkpointOf(generation: number): Promise<Checkpoint> {
    return this.store.checkpoint(this.dataSource.manager, generationSchema(generation));
  }

  private async startConsumer(generation: number): Promise<void> {
    if (this.consumers.has(generation)) return;
    const consumer = new GenerationConsumer({
      generation,
      schema: generationSchema(generation),
      kafka: this.connection.kafka,
      settings: this.connection.settings,
      producer: this.connection.producer,
      dataSource: this.dataSource,
      store: this.store,
      log: (level, message) => {
        if (level === 'error') this.logger.error(message);
        else if (level === 'warn') this.logger.warn(message);
        else this.logger.log(message);
      },
    });
    this.consumers.set(generation, consumer);
    consumer.startInBackground();
    return Promise.resolve();
  }

  private track(generation: number, startedAt: Date): void {
    this.rebuild = {
      generation,
      state: 'building',
      startedAt,
      completedAt: null,
      samples: [],
      eventsTotal: 0n,
      republishRequests: [],
      lastMoveAtMs: Date.now(),
      lastContiguous: 0n,
      lastRepublishAtMs: 0,
    };
    if (this.monitor === null) {
      this.monitor = setInterval(() => void this.watch(), MONITOR_INTERVAL_MS);
    }
  }

  /** Samples progress, asks for a republish when stuck on a gap, swaps once caught up. */
  private async watch(): Promise<void> {
    const rebuild = this.rebuild;
    if (rebuild === null || rebuild.state !== 'building' || this.monitoring) return;
    this.monitoring = true;
    try {
      const live = await this.generations.active();
      const building = await this.checkpointOf(rebuild.generation);
      const liveCheckpoint = live === undefined ? null : await this.checkpointOf(live.generation);
      const nowMs = Date.now();
      rebuild.eventsTotal = liveCheckpoint?.lastSequence ?? building.lastSequence;
      rebuild.samples = keepWindow(
        [...rebuild.samples, { atMs: nowMs, eventsDone: building.eventsApplied }],
        nowMs,
      );
      if (building.contiguousSequence !== rebuild.lastContiguous) {
        rebuild.lastContiguous = building.contiguousSequence;
        rebuild.lastMoveAtMs = nowMs;
      }
      if (liveCheckpoint === null || caughtUp(building, liveCheckpoint)) {
        await this.generations.swap(rebuild.generation);
        rebuild.state = 'completed';
        rebuild.completedAt = new Date();
        rebuild.samples = keepWindow(
          [...rebuild.samples, { atMs: Date.now(), eventsDone: building.eventsApplied }],
          nowMs,
        );
        this.logger.log(
          `generation ${rebuild.generation} caught up at sequence ${building.contiguousSequence} and is now active`,
        );
        if (this.monitor !== null) clearInterval(this.monitor);
        this.monitor = null;
        return;
      }
      const stalled = nowMs - rebuild.lastMoveAtMs >= STALL_BEFORE_REPUBLISH_MS;
      if (stalled && nowMs - rebuild.lastRepublishAtMs >= REPUBLISH_INTERVAL_MS_MIN) {
        await this.requestRepublish(building.contiguousSequence + 1n, liveCheckpoint.lastSequence);
      }
    } catch (error) {
      this.logger.warn(`rebuild monitor: ${(error as Error).message}`);
    } finally {
      this.monitoring = false;
    }
  }

  /** Kafka's retention may have deleted the first events: then only the ledger can replay them. */
  private async requestRepublishIfTruncated(generation: number, toSequence: bigint | null): Promise<void> {
    const admin = this.connection.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(
        topicFor(this.connection.settings, TOPICS.ledgerEvents.name),
      );
      if (offsets.some((partition) => BigInt(partition.low) > 0n)) {
        this.logger.warn(`generation ${generation}: Kafka no longer holds the first ledger events`);
        await this.requestRepublish(1n, toSequence);
      }
    } finally {
      await admin.disconnect();
    }
  }

  private async requestRepublish(fromSequence: bigint, toSequence: bigint | null): Promise<void> {
    const event = createEvent(
      'ledger.republish_requested',
      {
        fromSequence: fromSequence.toString(),
        ...(toSequence === null ? {} : { toSequence: toSequence.toString() }),
        requestedBy: 'reporting-rebuild',
      },
      {
        aggregateId: 'reporting',
        aggregateSequence: 1,
        merchantId: 'platform',
        correlationId: randomUUID(),
        causationId: null,
      },
    );
    // Sent directly, not through an outbox: the request is idempotent and the monitor repeats it.
    await this.connection.producer.send([
      {
        topic: TOPICS.ledgerCommands.name,
        key: 'reporting',
        value: encodeEvent(event),
        headers: currentTraceHeaders(),
      },
    ]);
    const at = new Date();
    if (this.rebuild !== null) {
      this.rebuild.lastRepublishAtMs = at.getTime();
      this.rebuild.republishRequests.push({
        fromSequence: fromSequence.toString(),
        toSequence: toSequence?.toString() ?? null,
        at,
      });
    }
    this.logger.warn(`asked the ledger to republish from sequence ${fromSequence}`);
  }
}
