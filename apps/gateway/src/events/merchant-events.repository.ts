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

  /** Inserts the event and returns it as stored (created_at from the database). */
  /**
   * Inserts the event and, in the same round trip, returns the merchant's webhook endpoints that
   * subscribe to its type (the data-modifying CTE runs whether or not the query reads it).
   */
  async insertAndFindSubscribers(
    manager: EntityManager,
    event: Omit<MerchantEventEntity, 'createdAt'>,
  ): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `WITH inserted AS (
         INSERT INTO merchant_events (id, merchant_id, type, source_event_id, data)
         VALUES ($1, $2, $3, $4, $5::jsonb)
       )
       SELECT id FROM webhook_endpoints
        WHERE merchant_id = $2 AND deleted_at IS NULL AND ('*' = ANY (enabled_events) OR $3 = ANY (enabled_events))`,
      [event.id, event.merchantId, event.type, event.sourceEventId, JSON.stringify(event.data)],
    );
    return rows.map((row) => row.id);
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
