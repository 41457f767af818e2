import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CONSUMER_GROUPS } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { LEDGER_CONFIG, type LedgerConfig } from '../ledger-config';
import { PostPaymentEvent } from './post-payment-event';

/** Feeds every payment event to the posting rules; events that move no money are ignored there. */
@Injectable()
export class PaymentEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly postPaymentEvent: PostPaymentEvent,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      ...CONSUMER_GROUPS.ledger,
      // Every posting takes the ledger_head row lock and each commit waits for its WAL flush:
      // posting a whole batch set-based in one transaction is the throughput.
      batchSizeMax: this.config.LEDGER_POSTING_BATCH_MAX,
      handleBatch: (events, manager) => this.postPaymentEvent.executeBatch(events, manager),
      handle: (event, manager) => this.postPaymentEvent.execute(event, manager),
    });
  }
}
