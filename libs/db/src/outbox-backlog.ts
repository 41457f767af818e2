import type { DataSource } from 'typeorm';

/** Counting stops here: past it the figure only has to say "far too many", and stays cheap. */
export const OUTBOX_BACKLOG_COUNT_MAX = 100_000;

export interface OutboxBacklogSample {
  /** Unpublished rows, at most OUTBOX_BACKLOG_COUNT_MAX. */
  readonly unpublishedRows: number;
  /** Seconds since the oldest unpublished row was written; 0 when none waits. */
  readonly oldestAgeSeconds: number;
}

/**
 * How far the relay is behind: both reads walk the partial index of unpublished rows
 * (outbox_unpublished), so a sample costs little however large the published history is.
 */
export async function readOutboxBacklog(dataSource: DataSource): Promise<OutboxBacklogSample> {
  const [row] = await dataSource.query<{ unpublished: string; oldest_age_seconds: string | null }[]>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT $1) AS waiting)::text
              AS unpublished,
            (SELECT extract(epoch FROM now() - created_at) FROM outbox
              WHERE published_at IS NULL ORDER BY id LIMIT 1)::text AS oldest_age_seconds`,
    [OUTBOX_BACKLOG_COUNT_MAX],
  );
  return {
    unpublishedRows: Number(row?.unpublished ?? 0),
    oldestAgeSeconds: Math.max(0, Number(row?.oldest_age_seconds ?? 0)),
  };
}
