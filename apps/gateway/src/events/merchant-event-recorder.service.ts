import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newMerchantEventId } from '../domain/random-identifiers';
import { WebhooksRepository } from '../webhooks/webhooks.repository';
import { MerchantEventsRepository } from './merchant-events.repository';

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

  async record(
    manager: EntityManager,
    merchantId: string,
    type: string,
    sourceEventId: string,
    object: unknown,
  ): Promise<void> {
    const id = newMerchantEventId();
    const endpointIds = await this.events.insertAndFindSubscribers(manager, {
      id,
      merchantId,
      type,
      sourceEventId,
      data: { object },
    });
    await this.webhooks.enqueue(manager, merchantId, id, endpointIds);
  }
}
