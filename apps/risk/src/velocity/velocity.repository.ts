import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { velocityWindowId, type VelocityKey, type WindowTotals } from '../domain/risk-rules';

export interface ScreenedKey {
  readonly key: VelocityKey;
  /** The card fingerprint, or the keyed hash of the customer's id, email or IP: never the plain value. */
  readonly value: string;
}

export interface Observation {
  readonly paymentId: string;
  readonly merchantId: string;
  readonly keys: readonly ScreenedKey[];
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly cardFingerprint?: string;
}

/**
 * The only code that touches risk_velocity_observations and risk_cards_seen: what velocity and
 * new-card rules count, in Postgres so counts survive restarts and are shared by every instance.
 */
@Injectable()
export class VelocityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Serializes screenings of one merchant that share a key, until the transaction ends: two
   * payments of one card screened at once (by two instances, or two partitions) then count each
   * other instead of both seeing the count without the other. Locks are taken in one order (by
   * their hash), so two payments sharing two keys cannot deadlock.
   */
  async lockKeys(manager: EntityManager, merchantId: string, keys: readonly ScreenedKey[]): Promise<void> {
    if (keys.length === 0) return;
    await manager.query(
      `SELECT pg_advisory_xact_lock(lock_id) FROM (
         SELECT DISTINCT hashtextextended('risk-velocity:' || $1 || ':' || k, 0) AS lock_id
           FROM unnest($2::text[]) AS k ORDER BY 1) AS locks`,
      [merchantId, keys.map(({ key, value }) => `${key}:${value}`)],
    );
  }

  /**
   * Earlier payments of the merchant per window (this payment left out, so a redelivery counts
   * the same), with their sum in the given currency.
   */
  async totals(
    manager: EntityManager,
    query: {
      readonly merchantId: string;
      readonly paymentId: string;
      readonly currency: string;
      readonly keys: readonly ScreenedKey[];
      readonly windows: readonly { key: VelocityKey; windowSeconds: number }[];
    },
  ): Promise<Map<string, WindowTotals>> {
    const totals = new Map<string, WindowTotals>();
    for (const window of query.windows) {
      const id = velocityWindowId(window);
      const value = query.keys.find((key) => key.key === window.key)?.value;
      if (value === undefined || totals.has(id)) continue;
      const rows: { count: number; sum_minor: string }[] = await manager.query(
        `SELECT count(*)::integer AS count,
                COALESCE(sum(amount_minor) FILTER (WHERE currency = $4), 0)::text AS sum_minor
           FROM risk_velocity_observations
          WHERE merchant_id = $1 AND key = $2 AND value_hash = $3 AND payment_id <> $5
            AND observed_at > now() - make_interval(secs => $6)`,
        [query.merchantId, window.key, value, query.currency, query.paymentId, window.windowSeconds],
      );
      totals.set(id, { count: rows[0]!.count, sumMinor: BigInt(rows[0]!.sum_minor) });
    }
    return totals;
  }

  /** Seconds since the merchant first saw the card; undefined when it never did. */
  async cardSeenForSeconds(
    manager: EntityManager,
    merchantId: string,
    fingerprint: string,
  ): Promise<number | undefined> {
    const rows: { seconds: number }[] = await manager.query(
      `SELECT floor(extract(epoch FROM now() - first_seen_at))::integer AS seconds
         FROM risk_cards_seen WHERE merchant_id = $1 AND fingerprint = $2`,
      [merchantId, fingerprint],
    );
    return rows[0]?.seconds;
  }

  /** Records a screened payment under each of its keys (once: a redelivery adds nothing). */
  async record(manager: EntityManager, observation: Observation): Promise<void> {
    const { paymentId, merchantId, keys, amountMinor, currency, cardFingerprint } = observation;
    if (keys.length > 0) {
      await manager.query(
        `INSERT INTO risk_velocity_observations (payment_id, merchant_id, key, value_hash, amount_minor, currency)
         SELECT $1, $2, k, v, $5, $6 FROM unnest($3::text[], $4::text[]) AS o(k, v)
         ON CONFLICT (payment_id, key) DO NOTHING`,
        [
          paymentId,
          merchantId,
          keys.map((key) => key.key),
          keys.map((key) => key.value),
          amountMinor.toString(),
          currency,
        ],
      );
    }
    if (cardFingerprint !== undefined) {
      await manager.query(
        `INSERT INTO risk_cards_seen (merchant_id, fingerprint) VALUES ($1, $2)
         ON CONFLICT (merchant_id, fingerprint) DO NOTHING`,
        [merchantId, cardFingerprint],
      );
    }
  }

  /** Deletes up to limit observations older than keepSeconds; returns how many went. */
  async pruneOlderThan(keepSeconds: number, limit: number): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected count].
    const [, deleted]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM risk_velocity_observations WHERE ctid IN (
         SELECT ctid FROM risk_velocity_observations
          WHERE observed_at < now() - make_interval(secs => $1) LIMIT $2)`,
      [keepSeconds, limit],
    );
    return deleted;
  }
}
