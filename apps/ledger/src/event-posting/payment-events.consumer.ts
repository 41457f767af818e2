import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { TOPICS } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { PostPaymentEvent } from './post-payment-event';

/** Feeds every payment event to the posting rules; events that move no money are ignored there. */
@Injectable()
export class PaymentEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly postPaymentEvent: PostPaymentEvent,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      groupName: 'ledger',
      topics: [TOPICS.paymentsEvents],
      // Every posting takes the ledger_head row lock: sharing one commit among many is the throughput.
      batchSizeMax: 100,
      handle: (event, manager) => this.postPaymentEvent.execute(event, manager),
    });
  }
}
