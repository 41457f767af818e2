import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Fixed-window request counters per API key, in Postgres so every gateway instance shares them. */
@Injectable()
export class RateLimitRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Counts one request in the window and returns the window's count so far. */
  async hit(keyHash: string, windowStart: Date): Promise<number> {
    const rows: unknown = await this.dataSource.query(
      `INSERT INTO rate_limit_windows (key_hash, window_start, request_count) VALUES ($1, $2, 1)
       ON CONFLICT (key_hash, window_start) DO UPDATE SET request_count = rate_limit_windows.request_count + 1
       RETURNING request_count`,
      [keyHash, windowStart],
    );
    const [row] = rows as { request_count: number }[];
    if (row === undefined) throw new Error('rate limit upsert returned no row');
    return row.request_count;
  }

  /** The window's count so far, without counting anything. */
  async count(keyHash: string, windowStart: Date): Promise<number> {
    const rows: unknown = await this.dataSource.query(
      'SELECT request_count FROM rate_limit_windows WHERE key_hash = $1 AND window_start = $2',
      [keyHash, windowStart],
    );
    const [row] = rows as { request_count: number }[];
    return row?.request_count ?? 0;
  }

  async deleteWindowsBefore(cutoff: Date): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limit_windows WHERE window_start < $1', [cutoff]);
  }
}
