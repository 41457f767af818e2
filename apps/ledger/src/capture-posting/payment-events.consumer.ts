import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TOPICS, type AnyEventEnvelope } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { PostCapture } from './post-capture';

/** Translates payment events into postings; everything else on the topic is ignored. */
@Injectable()
export class PaymentEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly postCapture: PostCapture,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      groupName: 'ledger',
      topics: [TOPICS.paymentsEvents],
      handle: (event, manager) => this.handle(event, manager),
    });
  }

  private async handle(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case 'payment.captured':
        return this.postCapture.execute(event, manager);
      default:
        return;
    }
  }
}
