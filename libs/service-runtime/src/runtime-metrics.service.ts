import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readOutboxBacklog } from '@platform/db';
import { observeDatabasePool, recordOutboxBacklog, type DatabasePoolFigures } from '@platform/telemetry';
import { PeriodicTask } from './periodic-task';

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
export class RuntimeMetricsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.task = new PeriodicTask({
      name: 'outbox backlog sample',
      intervalMs: OUTBOX_SAMPLE_INTERVAL_MS,
      logger: new Logger('RuntimeMetrics'),
      pass: () => this.sampleOutbox(),
    });
  }

  onApplicationBootstrap(): void {
    observeDatabasePool(() => poolFigures(this.dataSource));
    void this.sampleOutbox().catch(() => undefined);
    this.task.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
    observeDatabasePool(() => null);
  }

  async sampleOutbox(): Promise<void> {
    recordOutboxBacklog(await readOutboxBacklog(this.dataSource));
  }
}
