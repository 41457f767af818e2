import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type EntityManager, type Repository } from 'typeorm';
import { newWebhookDeliveryId } from '../domain/random-identifiers';
import { cursorPage, type Page } from '../listing/cursor-page';
import type { ListQueryDto } from '../listing/list-query.dto';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export interface DueDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly url: string;
  readonly endpoint: WebhookEndpointEntity;
  readonly event: { id: string; type: string; data: unknown; created_at: Date };
}

export interface DeliveryLogLine {
  readonly id: string;
  readonly event_id: string;
  readonly status: string;
  readonly attempts: number;
  readonly last_status_code: number | null;
  readonly last_error: string | null;
  readonly next_attempt_at: Date;
  readonly created_at: Date;
}

interface DueRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  created_at: Date;
  event_type: string;
  event_data: unknown;
  event_created_at: Date;
}

/** Endpoints and the delivery queue; only this class touches the webhook tables. */
@Injectable()
export class WebhooksRepository {
  constructor(
    @InjectRepository(WebhookEndpointEntity) private readonly endpoints: Repository<WebhookEndpointEntity>,
  ) {}

  async insertEndpoint(
    endpoint: Pick<
      WebhookEndpointEntity,
      | 'id'
      | 'merchantId'
      | 'url'
      | 'enabledEvents'
      | 'description'
      | 'secretKeyId'
      | 'secretIv'
      | 'secretCiphertext'
      | 'secretAuthTag'
    >,
  ): Promise<WebhookEndpointEntity> {
    await this.endpoints.insert({
      ...endpoint,
      deletedAt: null,
      previousSecretKeyId: null,
      previousSecretIv: null,
      previousSecretCiphertext: null,
      previousSecretAuthTag: null,
      previousSecretExpiresAt: null,
    });
    const stored = await this.endpoints.findOneBy({ id: endpoint.id });
    if (stored === null) throw new Error(`webhook endpoint ${endpoint.id} vanished after insert`);
    return stored;
  }

  findLive(merchantId: string, id: string): Promise<WebhookEndpointEntity | null> {
    return this.endpoints.findOneBy({ id, merchantId, deletedAt: IsNull() });
  }

  listLive(merchantId: string, query: ListQueryDto): Promise<Page<WebhookEndpointEntity>> {
    const builder = this.endpoints
      .createQueryBuilder('endpoint')
      .where('endpoint.merchant_id = :merchantId AND endpoint.deleted_at IS NULL', { merchantId });
    return cursorPage(builder, 'endpoint', 'webhook_endpoints', merchantId, query);
  }

  /**
   * Replaces the signing secret; the current one becomes the previous one, signing alongside until
   * `overlapHours` from now (one UPDATE: the right-hand sides read the row as it was). A secret
   * that was already previous is dropped. Null when the merchant has no such live endpoint.
   */
  async rotateSecret(
    merchantId: string,
    id: string,
    sealed: Pick<WebhookEndpointEntity, 'secretKeyId' | 'secretIv' | 'secretCiphertext' | 'secretAuthTag'>,
    overlapHours: number,
  ): Promise<WebhookEndpointEntity | null> {
    const rows: unknown = await this.endpoints.manager.query(
      `UPDATE webhook_endpoints SET
         previous_secret_key_id = secret_key_id, previous_secret_iv = secret_iv,
         previous_secret_ciphertext = secret_ciphertext, previous_secret_auth_tag = secret_auth_tag,
         previous_secret_expires_at = now() + make_interval(hours => $7),
         secret_key_id = $3, secret_iv = $4, secret_ciphertext = $5, secret_auth_tag = $6
       WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL
       RETURNING id`,
      [
        id,
        merchantId,
        sealed.secretKeyId,
        sealed.secretIv,
        sealed.secretCiphertext,
        sealed.secretAuthTag,
        overlapHours,
      ],
    );
    const [updated = []] = rows as [{ id: string }[] | undefined, number];
    if (updated.length !== 1) return null;
    return this.endpoints.findOneBy({ id, merchantId });
  }

  /** Deletes the endpoint (soft: its delivery log stays) and drops what it still had to deliver. */
  async delete(merchantId: string, id: string): Promise<WebhookEndpointEntity | null> {
    return this.endpoints.manager.transaction(async (manager) => {
      const result = await manager
        .getRepository(WebhookEndpointEntity)
        .update({ id, merchantId, deletedAt: IsNull() }, { deletedAt: () => 'now()' });
      if (result.affected !== 1) return null;
      await manager.query(
        `UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint deleted', updated_at = now()
         WHERE endpoint_id = $1 AND status = 'pending'`,
        [id],
      );
      return manager.getRepository(WebhookEndpointEntity).findOneBy({ id });
    });
  }

  /** Queues the event for every live endpoint of the merchant that wants its type (same transaction). */
  /** Queues each event for its subscribed endpoint (pairs from insertAllAndFindSubscribers), in one statement. */
  async enqueueAll(
    manager: EntityManager,
    deliveries: readonly { eventId: string; merchantId: string; endpointId: string }[],
  ): Promise<void> {
    if (deliveries.length === 0) return;
    await manager.query(
      `INSERT INTO webhook_deliveries (id, merchant_id, endpoint_id, event_id, status)
       SELECT delivery.id, delivery.merchant_id, delivery.endpoint_id, delivery.event_id, 'pending'
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS delivery (id, merchant_id, endpoint_id, event_id)
       ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
      [
        deliveries.map(() => newWebhookDeliveryId()),
        deliveries.map((delivery) => delivery.merchantId),
        deliveries.map((delivery) => delivery.endpointId),
        deliveries.map((delivery) => delivery.eventId),
      ],
    );
  }

  /**
   * Takes up to `limit` due deliveries for `leaseMs`: SKIP LOCKED lets instances take disjoint
   * sets at once, and the lease keeps a taken delivery from being taken again while it is sent.
   */
  async leaseDue(limit: number, leaseMs: number): Promise<DueDelivery[]> {
    const rows: unknown = await this.endpoints.manager.query(
      `WITH due AS (
         SELECT id FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
       UPDATE webhook_deliveries d
         SET leased_until = now() + make_interval(secs => $2::double precision / 1000)
       FROM due, merchant_events e
       WHERE d.id = due.id AND e.id = d.event_id
       RETURNING d.id, d.endpoint_id, d.event_id, d.attempts, d.created_at,
                 e.type AS event_type, e.data AS event_data, e.created_at AS event_created_at`,
      [limit, leaseMs],
    );
    // TypeORM answers an UPDATE with [rows, affected count].
    const [due = []] = rows as [DueRow[] | undefined, number];
    if (due.length === 0) return [];
    const endpoints = await this.endpoints
      .createQueryBuilder('endpoint')
      .where('endpoint.id IN (:...ids)', { ids: [...new Set(due.map((row) => row.endpoint_id))] })
      .getMany();
    const byId = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
    return due.flatMap((row) => {
      const endpoint = byId.get(row.endpoint_id);
      if (endpoint === undefined) return [];
      return [
        {
          id: row.id,
          endpointId: row.endpoint_id,
          eventId: row.event_id,
          attempts: row.attempts,
          createdAt: row.created_at,
          url: endpoint.url,
          endpoint,
          event: {
            id: row.event_id,
            type: row.event_type,
            data: row.event_data,
            created_at: row.event_created_at,
          },
        },
      ];
    });
  }

  /** Records one attempt and its consequence: delivered, retried at `nextAttemptAt`, or given up (null). */
  async recordAttempt(
    delivery: DueDelivery,
    outcome: { statusCode: number | null; error: string | null; durationMs: number; delivered: boolean },
    nextAttemptAt: Date | null,
  ): Promise<void> {
    await this.endpoints.manager.transaction(async (manager) => {
      const attempt = delivery.attempts + 1;
      await manager.query(
        `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [delivery.id, attempt, outcome.statusCode, outcome.error, outcome.durationMs],
      );
      const status = outcome.delivered ? 'succeeded' : nextAttemptAt === null ? 'failed' : 'pending';
      await manager.query(
        `UPDATE webhook_deliveries
           SET attempts = $2, status = $3, last_status_code = $4, last_error = $5,
               next_attempt_at = coalesce($6, next_attempt_at), leased_until = NULL, updated_at = now()
         WHERE id = $1 AND status = 'pending'`,
        [delivery.id, attempt, status, outcome.statusCode, outcome.error, nextAttemptAt],
      );
    });
  }

  async deliveryLog(merchantId: string, endpointId: string, limit: number): Promise<DeliveryLogLine[]> {
    const rows: unknown = await this.endpoints.manager.query(
      `SELECT id, event_id, status, attempts, last_status_code, last_error, next_attempt_at, created_at
       FROM webhook_deliveries WHERE merchant_id = $1 AND endpoint_id = $2
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [merchantId, endpointId, limit],
    );
    return rows as DeliveryLogLine[];
  }
}
