import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '@platform/service-runtime';
import { currentIdempotencyClaim, type IdempotencyRecoveryPoint } from './idempotency-claim-context';

export type IdempotencyClaim =
  | {
      readonly outcome: 'claimed';
      /** Set when the key was taken over from a holder that died after writing this. */
      readonly recovered: IdempotencyRecoveryPoint | null;
    }
  | { readonly outcome: 'in_progress'; readonly requestHash: string }
  | {
      readonly outcome: 'completed';
      readonly requestHash: string;
      readonly responseStatus: number;
      readonly responseBody: unknown;
    };

interface ClaimedRow {
  recovery: IdempotencyRecoveryPoint | null;
}

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
   * Claims the key for `holderId`, atomically: the primary key lets one of two concurrent requests
   * win. An expired claim (past its TTL) is taken over as if it were new; an in-progress claim whose
   * lease ran out (its holder died) is taken over by a request with the same body, which resumes
   * from the holder's recovery point if it recorded one.
   */
  async claim(
    merchantId: string,
    key: string,
    requestHash: string,
    holderId: string,
    ttlHours: number,
    leaseSeconds: number,
  ): Promise<IdempotencyClaim> {
    for (let attempt = 1; attempt <= CLAIM_ATTEMPTS_MAX; attempt += 1) {
      const claimed: unknown = await this.dataSource.query(
        `INSERT INTO idempotency_keys
           (merchant_id, idempotency_key, request_hash, state, expires_at, holder_id, lease_expires_at)
         VALUES ($1, $2, $3, 'in_progress', now() + make_interval(hours => $4), $5,
                 now() + make_interval(secs => $6))
         ON CONFLICT (merchant_id, idempotency_key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, state = 'in_progress', response_status = NULL,
               response_body = NULL, holder_id = EXCLUDED.holder_id,
               lease_expires_at = EXCLUDED.lease_expires_at,
               created_at = CASE WHEN idempotency_keys.expires_at < now() THEN now()
                                 ELSE idempotency_keys.created_at END,
               recovery = CASE WHEN idempotency_keys.expires_at < now() THEN NULL
                               ELSE idempotency_keys.recovery END,
               expires_at = CASE WHEN idempotency_keys.expires_at < now() THEN EXCLUDED.expires_at
                                 ELSE idempotency_keys.expires_at END
           WHERE idempotency_keys.expires_at < now()
              OR (idempotency_keys.state = 'in_progress'
                  AND idempotency_keys.request_hash = EXCLUDED.request_hash
                  AND coalesce(idempotency_keys.lease_expires_at,
                               idempotency_keys.created_at + interval '1 minute') < now())
         RETURNING recovery`,
        [merchantId, key, requestHash, ttlHours, holderId, leaseSeconds],
      );
      const [won] = claimed as ClaimedRow[];
      if (won !== undefined) return { outcome: 'claimed', recovered: won.recovery };
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

  /**
   * In the transaction of the request's write: where a request that takes the key over resumes.
   * When this request no longer holds the key (its lease ran out and another took it over), it
   * must not write: the transaction is refused with 409 and rolls back. No-op without a key.
   */
  async recordRecoveryPoint(manager: EntityManager, point: IdempotencyRecoveryPoint): Promise<void> {
    const claim = currentIdempotencyClaim();
    if (claim === undefined) return;
    const [, updated]: [unknown, number] = await manager.query(
      `UPDATE idempotency_keys SET recovery = $4
        WHERE merchant_id = $1 AND idempotency_key = $2 AND holder_id = $3 AND state = 'in_progress'`,
      [claim.merchantId, claim.key, claim.holderId, JSON.stringify(point)],
    );
    if (updated !== 1) {
      throw new ApiError(
        409,
        'idempotency_error',
        'idempotency_key_in_use',
        'Another request with this Idempotency-Key took it over; retry to get its answer.',
      );
    }
  }

  async complete(
    merchantId: string,
    key: string,
    holderId: string,
    responseStatus: number,
    responseBody: unknown,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = $4, response_body = $5
       WHERE merchant_id = $1 AND idempotency_key = $2 AND holder_id = $3 AND state = 'in_progress'`,
      [merchantId, key, holderId, responseStatus, JSON.stringify(responseBody ?? null)],
    );
  }

  /**
   * Frees the key of a request that failed. A claim with a recovery point stays (its write
   * committed, and a retry resumes from it) unless `refused`: the payments service refused the
   * command it sent, which then had no effect and may be sent again.
   */
  async release(merchantId: string, key: string, holderId: string, refused: boolean): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys
       WHERE merchant_id = $1 AND idempotency_key = $2 AND holder_id = $3 AND state = 'in_progress'
         AND (recovery IS NULL OR $4)`,
      [merchantId, key, holderId, refused],
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
