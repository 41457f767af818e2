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
  async insert(
    manager: EntityManager,
    event: Omit<MerchantEventEntity, 'createdAt'>,
  ): Promise<MerchantEventEntity> {
    const repository = manager.getRepository(MerchantEventEntity);
    await repository.insert({ ...event, data: event.data as never });
    const stored = await repository.findOneBy({ id: event.id });
    if (stored === null) throw new Error(`event ${event.id} vanished after insert`);
    return stored;
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
