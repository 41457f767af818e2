import { Gauge } from 'prom-client';
import { metricsRegistry } from './metrics';

/*
 * What the platform dashboards and alert rules read besides the request and event counters:
 * consumer lag, outbox backlog, database pool use. Every instance of a service reports the same
 * database-wide figures (outbox, pool of its own), so rules take max() over instances, not sum().
 */

export const consumerLagMessages = new Gauge({
  name: 'platform_consumer_lag_messages',
  help: 'Messages between the last offset a consumer group fetched and the partition end, per group, topic and partition (set at each batch).',
  labelNames: ['group', 'topic', 'partition'] as const,
  registers: [metricsRegistry],
});

export const consumerLagUpdatedSeconds = new Gauge({
  name: 'platform_consumer_lag_updated_timestamp_seconds',
  help: 'Unix time at which platform_consumer_lag_messages was last set for a group, topic and partition.',
  labelNames: ['group', 'topic', 'partition'] as const,
  registers: [metricsRegistry],
});

/** The label sets each group has set, so a rebalance can take them back. */
const lagLabelsByGroup = new Map<string, Map<string, { group: string; topic: string; partition: string }>>();

/** Called once per fetched batch with kafkajs's `batch.offsetLag()` (a string of a whole number). */
export function recordConsumerLag(
  group: string,
  topic: string,
  partition: number,
  lag: string | number | bigint,
): void {
  const labels = { group, topic, partition: String(partition) };
  const seen = lagLabelsByGroup.get(group) ?? new Map<string, typeof labels>();
  seen.set(`${topic}/${partition}`, labels);
  lagLabelsByGroup.set(group, seen);
  const messages = Number(lag);
  consumerLagMessages.set(labels, Number.isFinite(messages) && messages > 0 ? messages : 0);
  consumerLagUpdatedSeconds.set(labels, Date.now() / 1000);
}

/**
 * Drops a group's readings when it rebalances: partitions this instance no longer owns would
 * otherwise keep their last lag here for good. The next batch of each owned partition sets it again.
 */
export function forgetConsumerLag(group: string): void {
  for (const labels of lagLabelsByGroup.get(group)?.values() ?? []) {
    consumerLagMessages.remove(labels);
    consumerLagUpdatedSeconds.remove(labels);
  }
  lagLabelsByGroup.delete(group);
}

export const outboxUnpublishedRows = new Gauge({
  name: 'platform_outbox_unpublished_rows',
  help: 'Outbox rows written but not yet published to Kafka (sampled).',
  registers: [metricsRegistry],
});

export const outboxOldestUnpublishedAgeSeconds = new Gauge({
  name: 'platform_outbox_oldest_unpublished_age_seconds',
  help: 'Age of the oldest unpublished outbox row, 0 when none waits (sampled).',
  registers: [metricsRegistry],
});

export interface OutboxBacklog {
  readonly unpublishedRows: number;
  readonly oldestAgeSeconds: number;
}

export function recordOutboxBacklog(backlog: OutboxBacklog): void {
  outboxUnpublishedRows.set(backlog.unpublishedRows);
  outboxOldestUnpublishedAgeSeconds.set(backlog.oldestAgeSeconds);
}

/** The figures of a connection pool (node-postgres: totalCount, idleCount, waitingCount, options.max). */
export interface DatabasePoolFigures {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  readonly max: number;
}

let readPool: (() => DatabasePoolFigures | null) | null = null;

export const databasePoolConnections = new Gauge({
  name: 'platform_db_pool_connections',
  help: 'Connections of the service database pool by state: total (open), idle, in_use, and waiting (clients queued for one).',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
  collect() {
    const figures = readPool?.() ?? null;
    if (figures === null) return;
    this.set({ state: 'total' }, figures.total);
    this.set({ state: 'idle' }, figures.idle);
    this.set({ state: 'in_use' }, figures.total - figures.idle);
    this.set({ state: 'waiting' }, figures.waiting);
  },
});

export const databasePoolMaxConnections = new Gauge({
  name: 'platform_db_pool_max_connections',
  help: 'Most connections the service database pool opens (DATABASE_POOL_SIZE).',
  registers: [metricsRegistry],
  collect() {
    const figures = readPool?.() ?? null;
    if (figures !== null) this.set(figures.max);
  },
});

/** Reads the pool at each scrape; null while the pool does not exist (before or after the service). */
export function observeDatabasePool(read: () => DatabasePoolFigures | null): void {
  readPool = read;
}
