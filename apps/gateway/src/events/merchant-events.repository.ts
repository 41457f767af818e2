import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { cursorPage, type Page } from '../listing/cursor-page';
import type { ListQueryDto } from '../listing/list-query.dto';
import { MerchantEventEntity } from './merchant-event.entity';

/** Only this class touches merchant_events. */
@Injectable()
export class MerchantEventsRepository {
  constructor(
    @InjectRepository(MerchantEventEntity) private readonly events: Repository<MerchantEventEntity>,
  ) {}

  /**
   * Inserts the events (in order) and, in the same round trip, returns for each the merchant's
   * webhook endpoints subscribed to its type (the data-modifying CTE runs whether or not the query
   * reads it).
   */
  async insertAllAndFindSubscribers(
    manager: EntityManager,
    events: readonly Omit<MerchantEventEntity, 'createdAt'>[],
  ): Promise<{ eventId: string; merchantId: string; endpointId: string }[]> {
    if (events.length === 0) return [];
    const rows = await manager.query<{ event_id: string; merchant_id: string; endpoint_id: string }[]>(
      `WITH recorded AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::jsonb[])
                WITH ORDINALITY AS event (id, merchant_id, type, source_event_id, data, position)
       ), inserted AS (
         INSERT INTO merchant_events (id, merchant_id, type, source_event_id, data)
         SELECT id, merchant_id, type, source_event_id, data FROM recorded ORDER BY position
       )
       SELECT recorded.id AS event_id, recorded.merchant_id, endpoint.id AS endpoint_id
         FROM recorded
         JOIN webhook_endpoints AS endpoint
           ON endpoint.merchant_id = recorded.merchant_id AND endpoint.deleted_at IS NULL
          AND ('*' = ANY (endpoint.enabled_events) OR recorded.type = ANY (endpoint.enabled_events))
        ORDER BY recorded.position`,
      [
        events.map((event) => event.id),
        events.map((event) => event.merchantId),
        events.map((event) => event.type),
        events.map((event) => event.sourceEventId),
        events.map((event) => JSON.stringify(event.data)),
      ],
    );
    return rows.map((row) => ({
      eventId: row.event_id,
      merchantId: row.merchant_id,
      endpointId: row.endpoint_id,
    }));
  }

  findForMerchant(merchantId: string, id: string): Promise<MerchantEventEntity | null> {
    return this.events.findOneBy({ id, merchantId });
  }

  list(merchantId: string, query: ListQueryDto & { type?: string }): Promise<Page<MerchantEventEntity>> {
    const builder = this.events
      .createQueryBuilder('event')
      .where('event.merchant_id = :merchantId', { merchantId });
    if (query.type !== undefined) builder.andWhere('event.type = :type', { type: query.type });
    return cursorPage(builder, 'event', 'merchant_events', merchantId, query);
  }
}
