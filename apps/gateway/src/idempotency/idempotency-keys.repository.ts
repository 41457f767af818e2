import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type IdempotencyClaim =
  | { readonly outcome: 'claimed' }
  | { readonly outcome: 'in_progress'; readonly requestHash: string }
  | {
      readonly outcome: 'completed';
      readonly requestHash: string;
      readonly responseStatus: number;
      readonly responseBody: unknown;
    };

interface ClaimRow {
  state: 'in_progress' | 'completed';
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
}

/** How often a claim is re-tried when the row it collided with vanished in between (a release). */
const CLAIM_ATTEMPTS_MAX = 3;

/** Claims on (merchant, Idempotency-Key); only this class touches idempotency_keys. */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Claims the key for this request, atomically: the primary key lets one of two concurrent
   * requests win. An expired claim (past its TTL) is taken over as if it were new.
   */
  async claim(
    merchantId: string,
    key: string,
    requestHash: string,
    ttlHours: number,
  ): Promise<IdempotencyClaim> {
    for (let attempt = 1; attempt <= CLAIM_ATTEMPTS_MAX; attempt += 1) {
      const claimed: unknown = await this.dataSource.query(
        `INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_hash, state, expires_at)
         VALUES ($1, $2, $3, 'in_progress', now() + make_interval(hours => $4))
         ON CONFLICT (merchant_id, idempotency_key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, state = 'in_progress', response_status = NULL,
               response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
           WHERE idempotency_keys.expires_at < now()
         RETURNING merchant_id`,
        [merchantId, key, requestHash, ttlHours],
      );
      if ((claimed as unknown[]).length === 1) return { outcome: 'claimed' };
      const rows: unknown = await this.dataSource.query(
        `SELECT state, request_hash, response_status, response_body FROM idempotency_keys
         WHERE merchant_id = $1 AND idempotency_key = $2`,
        [merchantId, key],
      );
      const [row] = rows as ClaimRow[];
      if (row === undefined) continue;
      if (row.state === 'in_progress') return { outcome: 'in_progress', requestHash: row.request_hash };
      return {
        outcome: 'completed',
        requestHash: row.request_hash,
        responseStatus: row.response_status ?? 500,
        responseBody: row.response_body,
      };
    }
    throw new Error(`idempotency key claim for ${merchantId} kept colliding with releases`);
  }

  async complete(
    merchantId: string,
    key: string,
    requestHash: string,
    responseStatus: number,
    responseBody: unknown,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = $4, response_body = $5
       WHERE merchant_id = $1 AND idempotency_key = $2 AND request_hash = $3 AND state = 'in_progress'`,
      [merchantId, key, requestHash, responseStatus, JSON.stringify(responseBody ?? null)],
    );
  }

  /** Frees the key of a request that was refused before it wrote anything. */
  async release(merchantId: string, key: string, requestHash: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys
       WHERE merchant_id = $1 AND idempotency_key = $2 AND request_hash = $3 AND state = 'in_progress'`,
      [merchantId, key, requestHash],
    );
  }

  /**
   * Deletes up to `limit` claims created more than `retentionHours` ago whose replay window has
   * also ended; answers how many went. Claims still within their TTL stay whatever their age.
   */
  async deleteExpired(retentionHours: number, limit: number): Promise<number> {
    const rows: unknown = await this.dataSource.query(
      `WITH old AS (
         SELECT merchant_id, idempotency_key FROM idempotency_keys
         WHERE created_at < now() - make_interval(hours => $1) AND expires_at < now()
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
       DELETE FROM idempotency_keys k USING old
       WHERE k.merchant_id = old.merchant_id AND k.idempotency_key = old.idempotency_key
       RETURNING k.merchant_id`,
      [retentionHours, limit],
    );
    // TypeORM answers a DELETE ... RETURNING with [rows, affected count].
    const [deleted = []] = rows as [unknown[] | undefined, number];
    return deleted.length;
  }
}
