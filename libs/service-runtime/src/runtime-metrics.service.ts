import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readOutboxBacklog } from '@platform/db';
import { observeDatabasePool, recordOutboxBacklog, type DatabasePoolFigures } from '@platform/telemetry';
import { PeriodicJob, type PeriodicJobSchedule } from './periodic-job';

/** Outbox backlog sampling: often enough for a "relay stuck for minutes" alert, cheap (two index reads). */
export const OUTBOX_SAMPLE_INTERVAL_MS = 10_000;

/** The parts of node-postgres's Pool read here (TypeORM keeps it as driver.master). */
interface PgPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options?: { readonly max?: number };
}

/** The pool behind a TypeORM data source, or null when it is not open. */
export function poolFigures(dataSource: DataSource): DatabasePoolFigures | null {
  if (!dataSource.isInitialized) return null;
  const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
  if (pool === undefined || typeof pool.totalCount !== 'number') return null;
  return {
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
    max: pool.options?.max ?? 0,
  };
}

/**
 * The service's share of the platform metrics that need its database: the outbox backlog,
 * sampled every OUTBOX_SAMPLE_INTERVAL_MS, and the connection pool, read at each scrape.
 */
@Injectable()
export class RuntimeMetricsService extends PeriodicJob {
  private readonly logger = new Logger('RuntimeMetrics');

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    super();
  }

  protected schedule(): PeriodicJobSchedule {
    return { name: 'outbox backlog sample', intervalMs: OUTBOX_SAMPLE_INTERVAL_MS, logger: this.logger };
  }

  protected runPass(): Promise<unknown> {
    return this.sampleOutbox();
  }

  override onApplicationBootstrap(): void {
    observeDatabasePool(() => poolFigures(this.dataSource));
    // The backlog gauge is set at boot, not one interval later.
    void this.sampleOutbox().catch(() => undefined);
    super.onApplicationBootstrap();
  }

  override async beforeApplicationShutdown(): Promise<void> {
    await super.beforeApplicationShutdown();
    observeDatabasePool(() => null);
  }

  async sampleOutbox(): Promise<void> {
    recordOutboxBacklog(await readOutboxBacklog(this.dataSource));
  }
}
