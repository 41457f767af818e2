import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Fixed-window counters (requests per key and merchant, failed authentications), in Postgres so every gateway instance shares them. */
@Injectable()
export class RateLimitRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Counts one hit on each (distinct) counter in the window, in one statement; the counts so far, by counter. */
  async hit(counterKeys: readonly string[], windowStart: Date): Promise<Map<string, number>> {
    const rows: unknown = await this.dataSource.query(
      `INSERT INTO rate_limit_windows (key_hash, window_start, request_count)
         SELECT key, $2, 1 FROM unnest($1::text[]) AS key
       ON CONFLICT (key_hash, window_start) DO UPDATE SET request_count = rate_limit_windows.request_count + 1
       RETURNING key_hash, request_count`,
      [counterKeys, windowStart],
    );
    const counts = new Map(
      (rows as { key_hash: string; request_count: number }[]).map((row) => [row.key_hash, row.request_count]),
    );
    if (counterKeys.some((key) => !counts.has(key))) throw new Error('rate limit upsert missed a counter');
    return counts;
  }

  async deleteWindowsBefore(cutoff: Date): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limit_windows WHERE window_start < $1', [cutoff]);
  }
}
