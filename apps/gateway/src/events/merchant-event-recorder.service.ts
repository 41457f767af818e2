import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newMerchantEventId } from '../domain/random-identifiers';
import { WebhooksRepository } from '../webhooks/webhooks.repository';
import { MerchantEventsRepository } from './merchant-events.repository';

/** Something a merchant may see happen, caused by one platform event. */
export interface MerchantEventRecord {
  readonly merchantId: string;
  readonly type: string;
  readonly sourceEventId: string;
  readonly object: unknown;
}

/**
 * Records what a merchant may see happen (GET /v1/events) and queues it for the merchant's
 * webhook endpoints, inside the consumer's transaction: exactly once per platform event.
 */
@Injectable()
export class MerchantEventRecorder {
  constructor(
    private readonly events: MerchantEventsRepository,
    private readonly webhooks: WebhooksRepository,
  ) {}

  record(manager: EntityManager, merchantId: string, type: string, sourceEventId: string, object: unknown) {
    return this.recordAll(manager, [{ merchantId, type, sourceEventId, object }]);
  }

  /** Records the events in order, two round trips however many (one when nobody subscribes). */
  async recordAll(manager: EntityManager, records: readonly MerchantEventRecord[]): Promise<void> {
    const deliveries = await this.events.insertAllAndFindSubscribers(
      manager,
      records.map(({ merchantId, type, sourceEventId, object }) => ({
        id: newMerchantEventId(),
        merchantId,
        type,
        sourceEventId,
        data: { object },
      })),
    );
    await this.webhooks.enqueueAll(manager, deliveries);
  }
}
